import { STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import { loginThroughGateway } from '@warden/testing';
import { connect } from 'nats';
import { startHttpHello, startNatsEcho } from './lib/baseline-processes';
import { startBenchStack } from './lib/bench-stack';
import { measure, measureHttp, ResultRow } from './lib/measure';
import { freePort, pollUntil } from '@warden/testing';

/**
 * Session validations per second through `auth.session.validate` over NATS, next to a bare NATS echo
 * of the same payload; and GET /auth/me through the gateway, next to a bare node:http hello.
 */
export async function benchSessionValidation(durationMs: number): Promise<ResultRow[]> {
  const bench = await startBenchStack();
  const rows: ResultRow[] = [];
  try {
    const login = await loginThroughGateway(bench.gateway, bench.discord, STAND_IN_DISCORD_IDS.nelly);
    const prefix = bench.environment.env['NATS_SUBJECT_PREFIX']!;
    const nats = await connect({ servers: bench.environment.env['NATS_URL'] });
    const echo = startNatsEcho(bench.environment.env['NATS_URL']!, `${prefix}bench.echo`);
    try {
      const payload = new TextEncoder().encode(JSON.stringify({ token: login.token, ip: '127.0.0.1' }));
      await pollUntil(() => nats.request(`${prefix}bench.echo`, payload, { timeout: 500 }).then(() => true), { timeoutMs: 5_000 });
      for (const concurrency of [1, 64]) {
        const validate = await measure(() => nats.request(`${prefix}auth.session.validate`, payload, { timeout: 5_000 }), { concurrency, durationMs });
        const bare = await measure(() => nats.request(`${prefix}bench.echo`, payload, { timeout: 5_000 }), { concurrency, durationMs });
        rows.push({ benchmark: `session validation over NATS, concurrency ${concurrency}`, subject: 'auth.session.validate', subjectFigure: validate, baseline: 'bare NATS echo', baselineFigure: bare });
      }
    } finally {
      echo.kill('SIGTERM');
      await nats.close();
    }

    const helloPort = await freePort();
    const hello = await startHttpHello(helloPort);
    try {
      const seconds = Math.max(1, Math.round(durationMs / 1000));
      const meRoute = await measureHttp(`${bench.gateway}/auth/me`, { connections: 64, durationSeconds: seconds, headers: { authorization: `Bearer ${login.token}` } });
      const helloRoute = await measureHttp(`http://127.0.0.1:${helloPort}/`, { connections: 64, durationSeconds: seconds });
      rows.push({ benchmark: 'GET /auth/me through the gateway, 64 connections', subject: 'gateway /auth/me (Bearer)', subjectFigure: meRoute, baseline: 'bare node:http hello', baselineFigure: helloRoute });
    } finally {
      hello.kill('SIGTERM');
    }
  } finally {
    await bench.dispose();
  }
  return rows;
}
