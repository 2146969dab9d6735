import { randomUUID } from 'node:crypto';
import { AuditClient } from '@warden/audit-client';
import { NatsShutdownSequence } from '@warden/messaging';
import { createIsolatedEnvironment, freePort, IsolatedEnvironment, pollUntil, ServiceProcess } from '@warden/testing';
import { connect, NatsConnection, StringCodec } from 'nats';
import { Client } from 'pg';

const codec = StringCodec();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = any;
const CHECKPOINT_KEY = Buffer.alloc(32, 3).toString('base64');

/** Nothing lost, nothing doubled, tamper-evident: the audit service against real JetStream and Postgres. */
describe('audit service', () => {
  let environment: IsolatedEnvironment;
  let nats: NatsConnection;
  let db: Client;
  let publisher: AuditClient;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    nats = await connect({ servers: environment.env['NATS_URL'] });
    db = new Client({ connectionString: environment.env['DATABASE_URL'] });
    await db.connect();
    publisher = new AuditClient(
      nats,
      { source: 'auth', stream: environment.env['AUDIT_STREAM']!, subjectPrefix: environment.env['NATS_SUBJECT_PREFIX']!, waitForStorageMs: 60_000 },
      new NatsShutdownSequence(nats),
    );
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await db?.end();
    await nats?.close();
    await environment?.dispose();
  });

  async function startReplica(): Promise<ServiceProcess> {
    const port = await freePort();
    const replica = ServiceProcess.start('audit', { ...environment.env, HEALTH_PORT: String(port), AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY });
    await replica.waitUntilReady(`http://127.0.0.1:${port}/readyz`);
    replicas.push(replica);
    return replica;
  }

  const call = async (subject: string, body: unknown): Promise<Reply> =>
    JSON.parse(codec.decode((await nats.request(`${environment.env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(JSON.stringify(body)), { timeout: 30_000 })).data));
  const rows = async () => Number((await db.query('SELECT count(*) AS n FROM audit.events')).rows[0].n);
  const publish = (n: number, action: 'LOGIN_FAILED' | 'PERMISSION_DENIED' = 'LOGIN_FAILED') =>
    Promise.all(Array.from({ length: n }, (_, i) => publisher.logSecurityEvent(action, `user-${i % 7}`, { reason: 'test', i }, { ip: `203.0.113.${i % 5}` })));

  it('stores every event published while it was down, exactly once, in a valid chain', async () => {
    await publish(1_000);
    await startReplica();
    await pollUntil(rows, { timeoutMs: 30_000, accept: (n) => n >= 1_000, description: '1,000 rows' });
    expect(await rows()).toBe(1_000);
    expect(await call('audit.verify', {})).toMatchObject({ valid: true, checked: 1_000, firstBrokenSeq: null });
  });

  it('loses and doubles nothing when killed with SIGKILL in the middle of a burst of 5,000', async () => {
    const before = await rows();
    const burst = publish(5_000);
    await pollUntil(rows, { timeoutMs: 30_000, intervalMs: 10, accept: (n) => n > before + 200 });
    replicas.shift()!.signal('SIGKILL');
    await burst;
    await startReplica();
    await pollUntil(rows, { timeoutMs: 60_000, accept: (n) => n >= before + 5_000, description: 'every event of the burst' });
    expect(await rows()).toBe(before + 5_000);
    expect(Number((await db.query('SELECT count(DISTINCT id) AS n FROM audit.events')).rows[0].n)).toBe(before + 5_000);
    expect((await call('audit.verify', {})).valid).toBe(true);
  });

  it('keeps one linear chain with two replicas consuming one burst', async () => {
    await startReplica();
    const before = await rows();
    await publish(2_000, 'PERMISSION_DENIED');
    await pollUntil(rows, { timeoutMs: 60_000, accept: (n) => n >= before + 2_000 });
    const seqs = await db.query('SELECT min(seq) AS lo, max(seq) AS hi, count(*) AS n FROM audit.events');
    expect(Number(seqs.rows[0].hi) - Number(seqs.rows[0].lo) + 1).toBe(Number(seqs.rows[0].n));
    expect(await call('audit.verify', {})).toMatchObject({ valid: true, checked: before + 2_000 });
  });

  it('redacts secrets in details before storing', async () => {
    const event = await publisher.logSecurityEvent('LOGIN_FAILED', null, { reason: 'x', accessToken: 'abc', nested: { password: 'hunter2', keep: 1 } });
    await pollUntil(async () => (await db.query('SELECT details FROM audit.events WHERE id = $1', [event.id])).rows[0], { timeoutMs: 10_000 });
    const { rows: stored } = await db.query('SELECT details FROM audit.events WHERE id = $1', [event.id]);
    expect(stored[0].details).toEqual({ reason: 'x', accessToken: '[REDACTED]', nested: { password: '[REDACTED]', keep: 1 } });
  });

  it('drops an event whose body claims another source or action than its subject (a forged event)', async () => {
    const prefix = environment.env['NATS_SUBJECT_PREFIX']!;
    const forged = { id: randomUUID(), action: 'SECURITY_LOGIN_FAILED', actorId: null, details: { reason: 'forged' }, occurredAt: new Date().toISOString(), source: 'gateway', requestId: null, ip: '198.51.100.250' };
    const js = nats.jetstream();
    // Published by "crypto" (its subject) while claiming to be the gateway; and one whose action differs.
    await js.publish(`${prefix}audit.events.crypto.SECURITY_LOGIN_FAILED`, new TextEncoder().encode(JSON.stringify(forged)), { msgID: forged.id });
    const mislabelled = { ...forged, id: randomUUID(), source: 'crypto' };
    await js.publish(`${prefix}audit.events.crypto.SECURITY_KEY_ROTATED`, new TextEncoder().encode(JSON.stringify(mislabelled)), { msgID: mislabelled.id });
    const honest = await publisher.logSecurityEvent('LOGIN_FAILED', null, { reason: 'honest' });
    await pollUntil(async () => (await db.query('SELECT 1 FROM audit.events WHERE id = $1', [honest.id])).rowCount, { timeoutMs: 10_000, accept: (n) => n === 1 });
    const { rows } = await db.query('SELECT id FROM audit.events WHERE id = ANY($1::uuid[])', [[forged.id, mislabelled.id]]);
    expect(rows).toEqual([]);
  });

  it('refuses UPDATE and DELETE: by trigger for anyone, and by grants for the writer role', async () => {
    await expect(db.query("UPDATE audit.events SET action = 'SECURITY_LOGOUT' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit.events WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit.events')).rejects.toThrow(/append-only/);
    const writer = new Client({ connectionString: environment.env['DATABASE_URL'] });
    await writer.connect();
    try {
      await writer.query('SET ROLE warden_audit_writer');
      await expect(writer.query("UPDATE audit.events SET action = 'SECURITY_LOGOUT' WHERE seq = 1")).rejects.toThrow(/permission denied/);
      await expect(writer.query('DELETE FROM audit.events WHERE seq = 1')).rejects.toThrow(/permission denied/);
      expect(Number((await writer.query('SELECT count(*) AS n FROM audit.events')).rows[0].n)).toBeGreaterThan(0);
    } finally {
      await writer.end();
    }
  });

  describe('tampering as a superuser (bypassing the trigger) is detected', () => {
    let head: number;
    const asSuperuser = async (statement: string, params: unknown[] = []) => {
      await db.query('BEGIN');
      await db.query('SET LOCAL session_replication_role = replica');
      await db.query(statement, params);
      await db.query('COMMIT');
    };

    beforeAll(async () => {
      const checkpoint = await call('audit.checkpoint', {});
      head = checkpoint.seq;
      expect((await call('audit.verify', {})).valid).toBe(true);
    });

    it('a changed row', async () => {
      const original = (await db.query('SELECT details FROM audit.events WHERE seq = 10')).rows[0].details;
      await asSuperuser(`UPDATE audit.events SET details = '{"reason":"forged"}' WHERE seq = 10`);
      expect(await call('audit.verify', {})).toMatchObject({ valid: false, firstBrokenSeq: 10 });
      await asSuperuser('UPDATE audit.events SET details = $1 WHERE seq = 10', [JSON.stringify(original)]);
      expect((await call('audit.verify', {})).valid).toBe(true);
    });

    it('a deleted row', async () => {
      const saved = (await db.query('SELECT * FROM audit.events WHERE seq = 20')).rows[0];
      await asSuperuser('DELETE FROM audit.events WHERE seq = 20');
      expect(await call('audit.verify', {})).toMatchObject({ valid: false, firstBrokenSeq: 20 });
      await asSuperuser(
        'INSERT INTO audit.events (seq, id, action, actor_id, details, occurred_at, source, request_id, ip, prev_hash, hash, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)',
        [saved.seq, saved.id, saved.action, saved.actor_id, JSON.stringify(saved.details), saved.occurred_at, saved.source, saved.request_id, saved.ip, saved.prev_hash, saved.hash, saved.recorded_at],
      );
      expect((await call('audit.verify', {})).valid).toBe(true);
    });

    it('two rows reordered', async () => {
      await asSuperuser('UPDATE audit.events SET seq = -30 WHERE seq = 30');
      await asSuperuser('UPDATE audit.events SET seq = 30 WHERE seq = 31');
      await asSuperuser('UPDATE audit.events SET seq = 31 WHERE seq = -30');
      expect(await call('audit.verify', {})).toMatchObject({ valid: false, firstBrokenSeq: 30 });
      await asSuperuser('UPDATE audit.events SET seq = -30 WHERE seq = 31');
      await asSuperuser('UPDATE audit.events SET seq = 31 WHERE seq = 30');
      await asSuperuser('UPDATE audit.events SET seq = 30 WHERE seq = -30');
      expect((await call('audit.verify', {})).valid).toBe(true);
    });

    it('a truncated tail, head rewritten to match, is caught by the signed checkpoint', async () => {
      await asSuperuser('DELETE FROM audit.events WHERE seq > $1', [head - 5]);
      await asSuperuser('UPDATE audit.chain_head SET seq = e.seq, hash = e.hash FROM audit.events e WHERE e.seq = $1', [head - 5]);
      expect(await call('audit.verify', {})).toMatchObject({ valid: false, firstBrokenSeq: head - 4, checked: head - 5 });
    });
  });

  describe('queries', () => {
    it.each([
      [{ limit: 0 }, /limit/],
      [{ limit: 501 }, /limit/],
      [{ from: 'yesterday' }, /from/],
      [{ action: 'LOGIN_FAILED' }, /action/],
      [{ cursor: 'abc' }, /cursor/],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /from/],
    ])('refuses bad filters %p with BAD_REQUEST naming the field', async (filters, field) => {
      const reply = await call('audit.query', { readerId: 'r', ...filters });
      expect(reply.error.code).toBe('BAD_REQUEST');
      expect(reply.error.fields.join(' ')).toMatch(field);
    });

    it('pages newest first by cursor, filtered by action and actor, and counts for the scan', async () => {
      const first = await call('audit.query', { readerId: 'r', action: 'SECURITY_PERMISSION_DENIED', actorId: 'user-3', limit: 100 });
      expect(first.items).toHaveLength(100);
      expect(first.items.every((e: Reply) => e.action === 'SECURITY_PERMISSION_DENIED' && e.actorId === 'user-3')).toBe(true);
      const seqs = first.items.map((e: Reply) => e.seq);
      expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
      const second = await call('audit.query', { readerId: 'r', action: 'SECURITY_PERMISSION_DENIED', actorId: 'user-3', limit: 500, cursor: first.nextCursor });
      expect(second.items[0].seq).toBeLessThan(seqs[seqs.length - 1]);
      const stored = async (where: string) => Number((await db.query(`SELECT count(*) AS n FROM audit.events WHERE ${where}`)).rows[0].n);
      expect(first.items.length + second.items.length).toBe(await stored("action = 'SECURITY_PERMISSION_DENIED' AND actor_id = 'user-3'"));
      expect(second.nextCursor).toBeNull();
      const stats = await call('audit.stats', { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', groupBy: 'ip', action: 'SECURITY_PERMISSION_DENIED' });
      expect(stats.groups).toHaveLength(5);
      expect(stats.groups.reduce((sum: number, g: Reply) => sum + g.count, 0)).toBe(await stored("action = 'SECURITY_PERMISSION_DENIED'"));
      expect(stats.truncated).toBe(false);

      // Bounded answers: the largest groups first, `truncated` when there were more.
      const window = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', action: 'SECURITY_PERMISSION_DENIED' };
      const top2 = await call('audit.stats', { ...window, groupBy: 'ip', limit: 2 });
      expect(top2).toEqual({ groups: stats.groups.slice(0, 2), truncated: true });
      const largest = stats.groups[0].count;
      const over = await call('audit.stats', { ...window, groupBy: 'ip', minCount: largest });
      expect(over.groups).toEqual(stats.groups.filter((g: Reply) => g.count >= largest));
      // Distinct actors per IP, as SQL counts them; and a details field.
      const actorsPerIp = await call('audit.stats', { ...window, groupBy: 'ip', distinct: 'actor' });
      const expected = (await db.query("SELECT ip, count(DISTINCT actor_id)::int AS n FROM audit.events WHERE action = 'SECURITY_PERMISSION_DENIED' AND actor_id IS NOT NULL GROUP BY ip")).rows;
      for (const row of expected) expect(actorsPerIp.groups.find((g: Reply) => g.key === row.ip)?.distinct).toBe(row.n);
      const byResource = await call('audit.stats', { ...window, groupBy: 'detail', detailKey: 'resource' });
      const resources = (await db.query("SELECT details->>'resource' AS key, count(*)::int AS count FROM audit.events WHERE action = 'SECURITY_PERMISSION_DENIED' GROUP BY 1")).rows;
      expect([...byResource.groups].sort((a: Reply, b: Reply) => String(a.key).localeCompare(String(b.key)))).toEqual(
        [...resources].sort((a, b) => String(a.key).localeCompare(String(b.key))),
      );
      for (const bad of [
        { ...window, groupBy: 'actor', distinct: 'actor' },
        { ...window, groupBy: 'detail' },
        { ...window, groupBy: 'ip', detailKey: 'resource' },
        { ...window, groupBy: 'detail', detailKey: "x' OR 1=1 --" },
        { ...window, groupBy: 'ip', limit: 5_001 },
      ]) {
        expect((await call('audit.stats', bad)).error).toMatchObject({ code: 'BAD_REQUEST' });
      }
    });

    it('audits reads of the audit log, at most once per reader per minute', async () => {
      await call('audit.query', { readerId: 'reader-once', limit: 1 });
      await call('audit.query', { readerId: 'reader-once', limit: 2 });
      await pollUntil(async () => (await db.query("SELECT count(*)::int AS n FROM audit.events WHERE action = 'SECURITY_AUDIT_READ' AND actor_id = 'reader-once'")).rows[0].n, {
        timeoutMs: 10_000,
        accept: (n) => n >= 1,
      });
      // Two replicas may each record one; never one per query.
      const n = (await db.query("SELECT count(*)::int AS n FROM audit.events WHERE action = 'SECURITY_AUDIT_READ' AND actor_id = 'reader-once'")).rows[0].n;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(2);
    });
  });
});
