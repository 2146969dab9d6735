import { STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import { createIsolatedEnvironment, freePort, loginThroughGateway, startWardenCluster } from '@warden/testing';
import { startHttpHello } from './lib/baseline-processes';
import { measure, ResultRow } from './lib/measure';

const ADMIN_DISCORD_ID = STAND_IN_DISCORD_IDS.ada;
const STEPS = 6;

/**
 * The whole system's throughput: two replicas of every service and two gateways, each client running one
 * scenario after another (who am I, check a permission, encrypt, decrypt, read the audit log, read a
 * user's roles — six requests, alternating gateways), at 1, 16 and 64 concurrent clients; next to the
 * same loop of six requests against a bare node:http hello in the same run.
 */
export async function benchWholeSystem(durationMs: number): Promise<ResultRow[]> {
  const environment = await createIsolatedEnvironment();
  const cluster = await startWardenCluster({ ...environment.env, LOG_LEVEL: 'warn', BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID });
  const helloPort = await freePort();
  const hello = await startHttpHello(helloPort);
  try {
    const [gw1, gw2] = cluster.gateways;
    const admin = await loginThroughGateway(gw1, cluster.discord, ADMIN_DISCORD_ID);
    const headers = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
    const call = async (base: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    let turn = 0;
    const scenario = async () => {
      const [a, b] = turn++ % 2 === 0 ? [gw1, gw2] : [gw2, gw1];
      await call(a, 'GET', '/auth/me');
      await call(b, 'POST', '/authz/check', { resource: 'audit', action: 'read' });
      const { ciphertext } = await call(a, 'POST', '/crypto/encrypt', { plaintext: 'a card number', context: 'bench' });
      await call(b, 'POST', '/crypto/decrypt', { ciphertext, context: 'bench' });
      await call(a, 'GET', '/audit/events?limit=5');
      await call(b, 'GET', `/authz/users/${admin.user.id}/roles`);
    };
    const bare = async () => {
      for (let i = 0; i < STEPS; i += 1) await (await fetch(`http://127.0.0.1:${helloPort}/`)).arrayBuffer();
    };
    const rows: ResultRow[] = [];
    for (const concurrency of [1, 16, 64]) {
      const subject = await measure(scenario, { concurrency, durationMs });
      const baseline = await measure(bare, { concurrency, durationMs });
      rows.push({
        benchmark: `whole scenario, ${concurrency} concurrent client${concurrency > 1 ? 's' : ''} (scenarios/s)`,
        subject: 'six requests over two gateways and two replicas of every service',
        subjectFigure: subject,
        baseline: 'six requests to a bare node:http hello',
        baselineFigure: baseline,
      });
    }
    return rows;
  } finally {
    hello.kill('SIGTERM');
    await cluster.stop();
    await environment.dispose();
  }
}
