import { AuditClient } from '@warden/audit-client';
import { NatsShutdownSequence } from '@warden/messaging';
import { createIsolatedEnvironment, pollUntil, startWardenStack, WardenStack } from '@warden/testing';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { Client } from 'pg';
import { ResultRow } from './lib/measure';

const EVENTS = 20_000;

/**
 * Sustained ingest (publish → committed, chained row) in events/s next to plain batched INSERTs of the
 * same rows in the same run; and verification speed in rows/s.
 */
export async function benchAuditIngest(): Promise<ResultRow[]> {
  const environment = await createIsolatedEnvironment();
  let stack: WardenStack = await startWardenStack({ ...environment.env, LOG_LEVEL: 'warn' }, ['audit']);
  const nats = await connect({ servers: environment.env['NATS_URL'] });
  const db = new Client({ connectionString: environment.env['DATABASE_URL'] });
  await db.connect();
  try {
    const publisher = new AuditClient(
      nats,
      { source: 'gateway', stream: environment.env['AUDIT_STREAM']!, subjectPrefix: environment.env['NATS_SUBJECT_PREFIX']!, waitForStorageMs: 120_000, maxPending: 1_000_000 },
      new NatsShutdownSequence(nats),
    );
    const count = async () => Number((await db.query('SELECT count(*) AS n FROM audit.events')).rows[0].n);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) => publisher.logSecurityEvent('PERMISSION_DENIED', `user-${i % 100}`, { resource: 'audit', action: 'read', route: 'GET /audit/events' }, { ip: '198.51.100.1' })),
    );
    const publishedSeconds = (performance.now() - started) / 1000;
    await pollUntil(count, { timeoutMs: 300_000, intervalMs: 20, accept: (n) => n >= EVENTS });
    console.log(`[bench] audit: all ${EVENTS} events acknowledged by JetStream after ${publishedSeconds.toFixed(2)} s`);
    const ingestSeconds = (performance.now() - started) / 1000;

    // The consumer alone: a backlog published while the audit service is down, drained after its start.
    await stack.stop();
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) => publisher.logSecurityEvent('PERMISSION_DENIED', `user-${i % 100}`, { resource: 'audit', action: 'read', route: 'GET /audit/events' }, { ip: '198.51.100.1' })),
    );
    stack = await startWardenStack({ ...environment.env, LOG_LEVEL: 'warn' }, ['audit']);
    const drainStarted = performance.now();
    await pollUntil(count, { timeoutMs: 300_000, intervalMs: 20, accept: (n) => n >= 2 * EVENTS });
    const drainSeconds = (performance.now() - drainStarted) / 1000;

    // Baseline: the same rows, batched INSERTs of 500 into a plain table (no chain, no JetStream).
    await db.query('CREATE TABLE public.bench_plain (LIKE audit.events INCLUDING DEFAULTS INCLUDING INDEXES)');
    const plainStarted = performance.now();
    for (let offset = 0; offset < EVENTS; offset += 500) {
      const n = Math.min(500, EVENTS - offset);
      const cols = Array.from({ length: 11 }, () => [] as unknown[]);
      for (let i = 0; i < n; i++) {
        const seq = offset + i + 1;
        [seq, randomUUID(), 'SECURITY_PERMISSION_DENIED', `user-${seq % 100}`, JSON.stringify({ resource: 'audit', action: 'read' }), new Date(), 'gateway', null, '198.51.100.1', Buffer.alloc(32), Buffer.alloc(32)].forEach((v, c) => cols[c]!.push(v));
      }
      await db.query(
        `INSERT INTO public.bench_plain (seq, id, action, actor_id, details, occurred_at, source, request_id, ip, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::bytea[], $11::bytea[])`,
        cols,
      );
    }
    const plainSeconds = (performance.now() - plainStarted) / 1000;

    const verifyStarted = performance.now();
    const reply = await nats.request(`${environment.env['NATS_SUBJECT_PREFIX']}audit.verify`, new TextEncoder().encode('{}'), { timeout: 300_000 });
    const verified = JSON.parse(new TextDecoder().decode(reply.data));
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    if (!verified.valid || verified.checked !== 2 * EVENTS) throw new Error(`verify answered ${JSON.stringify(verified)}`);

    const figure = (perSecond: number) => ({ opsPerSecond: perSecond, p50Ms: NaN, p99Ms: NaN, errors: 0 });
    return [
      {
        benchmark: `audit ingest, ${EVENTS.toLocaleString('en-US')} events published at once`,
        subject: 'publish → JetStream → chained row committed',
        subjectFigure: figure(EVENTS / ingestSeconds),
        baseline: 'plain batched INSERTs (500/batch)',
        baselineFigure: figure(EVENTS / plainSeconds),
      },
      {
        benchmark: `audit ingest of a ${EVENTS.toLocaleString('en-US')}-event backlog (service started after the burst)`,
        subject: 'JetStream → chained row committed',
        subjectFigure: figure(EVENTS / drainSeconds),
        baseline: 'plain batched INSERTs (500/batch)',
        baselineFigure: figure(EVENTS / plainSeconds),
      },
      {
        benchmark: `audit verify of ${(2 * EVENTS).toLocaleString('en-US')} rows`,
        subject: 'audit.verify (streamed, recomputes every hash)',
        subjectFigure: figure((2 * EVENTS) / verifySeconds),
        baseline: 'plain batched INSERTs (500/batch)',
        baselineFigure: figure(EVENTS / plainSeconds),
      },
    ];
  } finally {
    await db.end();
    await nats.close();
    await stack.stop();
    await environment.dispose();
  }
}
