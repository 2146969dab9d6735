import { AuditClient } from '@warden/audit-client';
import { SecurityEventType } from '@warden/contracts';
import { NatsShutdownSequence } from '@warden/messaging';
import { createIsolatedEnvironment, pollUntil, startWardenStack } from '@warden/testing';
import { connect, StringCodec } from 'nats';
import { Client } from 'pg';
import { ResultRow } from './lib/measure';

const EVENTS = 100_000;
const codec = StringCodec();

/** A day of noise with a few attackers in it: most subjects stay under their thresholds. */
function* syntheticDay(): Generator<[SecurityEventType, string | null, Record<string, unknown>, string]> {
  for (let i = 0; i < 40_000; i += 1) yield ['LOGIN_FAILED', null, { reason: 'state_unknown' }, `10.1.${Math.floor(i / 250) % 256}.${i % 250}`];
  for (let i = 0; i < 1_000; i += 1) yield ['LOGIN_FAILED', null, { reason: 'state_unknown' }, `203.0.113.${i % 20}`];
  for (let i = 0; i < 9_000; i += 1) yield ['LOGIN_FAILED', `account-${i % 3_000}`, { reason: 'session_revoked' }, `10.2.${Math.floor(i / 250) % 256}.${i % 250}`];
  for (let i = 0; i < 30_000; i += 1) yield ['PERMISSION_DENIED', `user-${i % 2_000}`, { resource: 'roles', action: 'read' }, '10.3.0.1'];
  for (let i = 0; i < 9_900; i += 1) yield ['DECRYPT_FAILED', `user-${i % 1_980}`, { reason: 'authentication_failed' }, '10.4.0.1'];
  for (let i = 0; i < 100; i += 1) yield ['DECRYPT_FAILED', `intruder-${i % 5}`, { reason: 'authentication_failed' }, '10.4.0.2'];
  for (let i = 0; i < 9_900; i += 1) yield ['RATE_LIMIT_EXCEEDED', null, { key: `ip:10.5.${Math.floor(i / 250) % 256}.${i % 250}`, rule: 'anonymous' }, '10.5.0.1'];
  for (let i = 0; i < 100; i += 1) yield ['RATE_LIMIT_EXCEEDED', null, { key: `ip:198.51.100.${i % 10}`, rule: 'anonymous' }, `198.51.100.${i % 10}`];
}

/**
 * The daily scan over 100,000 stored audit events: POST-equivalent `scheduler.scans.run` to a completed
 * report (six `audit.stats` over NATS, findings stored, one event per finding), next to the same six
 * GROUP BY queries (same thresholds) run straight against Postgres in the same run.
 */
export async function benchSecurityScan(): Promise<ResultRow[]> {
  const environment = await createIsolatedEnvironment();
  const env: Record<string, string> = { ...environment.env, LOG_LEVEL: 'warn' };
  const stack = await startWardenStack(env, ['crypto', 'audit', 'scheduler']);
  const nats = await connect({ servers: env['NATS_URL'] });
  const db = new Client({ connectionString: env['DATABASE_URL'] });
  await db.connect();
  const call = async (subject: string, body: unknown) =>
    JSON.parse(codec.decode((await nats.request(`${env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(JSON.stringify(body)), { timeout: 120_000 })).data));
  try {
    const publisher = new AuditClient(
      nats,
      { source: 'gateway', stream: env['AUDIT_STREAM']!, subjectPrefix: env['NATS_SUBJECT_PREFIX']!, waitForStorageMs: 300_000, maxPending: 1_000_000 },
      new NatsShutdownSequence(nats),
    );
    const before = Number((await db.query('SELECT count(*) AS n FROM audit.events')).rows[0].n);
    const pending: Array<Promise<unknown>> = [];
    for (const [type, actor, details, ip] of syntheticDay()) pending.push(publisher.logSecurityEvent(type, actor, details, { ip }));
    await Promise.all(pending);
    await pollUntil(async () => Number((await db.query('SELECT count(*) AS n FROM audit.events')).rows[0].n), {
      timeoutMs: 600_000,
      intervalMs: 200,
      accept: (n) => n >= before + EVENTS,
    });
    console.log(`[bench] security scan: ${EVENTS} audit events stored`);

    const started = performance.now();
    const { reportId } = await call('scheduler.scans.run', { actorId: 'bench' });
    const report = await pollUntil(() => call('scheduler.scans.get', { id: reportId }), { timeoutMs: 600_000, intervalMs: 20, accept: (r) => r.status === 'completed' || r.status === 'failed' });
    const scanSeconds = (performance.now() - started) / 1000;
    if (report.status !== 'completed') throw new Error(`scan ended ${report.status}: ${report.error}`);
    console.log(`[bench] security scan: ${EVENTS} events scanned in ${scanSeconds.toFixed(2)} s, ${report.findings.length} findings (${JSON.stringify(report.counts)})`);

    const bareStarted = performance.now();
    const window = [report.window.from, report.window.to];
    const inWindow = 'occurred_at >= $1 AND occurred_at < $2';
    await Promise.all([
      db.query(`SELECT ip, count(*) FROM audit.events WHERE ${inWindow} AND action = 'SECURITY_LOGIN_FAILED' GROUP BY 1 HAVING count(*) >= 10`, window),
      db.query(`SELECT actor_id, count(*) FROM audit.events WHERE ${inWindow} AND action = 'SECURITY_LOGIN_FAILED' GROUP BY 1 HAVING count(*) >= 5`, window),
      db.query(
        `SELECT ip, count(*), count(DISTINCT actor_id) FROM audit.events WHERE ${inWindow} AND action = 'SECURITY_LOGIN_FAILED' AND actor_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT actor_id) >= 5`,
        window,
      ),
      db.query(`SELECT actor_id, count(*) FROM audit.events WHERE ${inWindow} AND action = 'SECURITY_PERMISSION_DENIED' GROUP BY 1 HAVING count(*) >= 20`, window),
      db.query(`SELECT actor_id, count(*) FROM audit.events WHERE ${inWindow} AND action = 'SECURITY_DECRYPT_FAILED' GROUP BY 1 HAVING count(*) >= 10`, window),
      db.query(`SELECT details->>'key', count(*) FROM audit.events WHERE ${inWindow} AND action = 'SECURITY_RATE_LIMIT_EXCEEDED' GROUP BY 1 HAVING count(*) >= 5`, window),
    ]);
    const bareSeconds = (performance.now() - bareStarted) / 1000;
    console.log(`[bench] security scan: the six bare GROUP BY queries took ${bareSeconds.toFixed(2)} s`);

    const figure = (perSecond: number) => ({ opsPerSecond: perSecond, p50Ms: NaN, p99Ms: NaN, errors: 0 });
    return [
      {
        benchmark: `security scan of ${EVENTS.toLocaleString('en-US')} audit events (${report.findings.length} findings), events/s`,
        subject: `scheduler.scans.run → completed report: ${scanSeconds.toFixed(2)} s`,
        subjectFigure: figure(EVENTS / scanSeconds),
        baseline: `the six GROUP BY queries straight in Postgres: ${bareSeconds.toFixed(2)} s`,
        baselineFigure: figure(EVENTS / bareSeconds),
      },
    ];
  } finally {
    await db.end();
    await nats.close();
    await stack.stop();
    await environment.dispose();
  }
}
