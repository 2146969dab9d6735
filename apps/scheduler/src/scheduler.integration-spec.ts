import { createIsolatedEnvironment, pollUntil, readAuditStream, ServiceProcess, startWardenStack, WardenStack } from '@warden/testing';
import { Queue } from 'bullmq';
import { connect, StringCodec } from 'nats';
import { Client } from 'pg';

const codec = StringCodec();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = any;
const DAY_MS = 86_400_000;

/** The scheduler against real Redis (BullMQ), Postgres and NATS, with the crypto and audit services it drives. */
describe('scheduler', () => {
  async function setUp(extraEnv: Record<string, string>) {
    const environment = await createIsolatedEnvironment();
    const env = { ...environment.env, ...extraEnv };
    const backends = await startWardenStack(env, ['crypto', 'audit']);
    const nats = await connect({ servers: env['NATS_URL'] });
    const db = new Client({ connectionString: env['DATABASE_URL'] });
    await db.connect();
    const call = async (subject: string, body: unknown): Promise<Reply> =>
      JSON.parse(codec.decode((await nats.request(`${env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(JSON.stringify(body)), { timeout: 10_000 })).data));
    const schedulers: WardenStack[] = [];
    const startScheduler = async () => {
      const stack = await startWardenStack(env, ['scheduler']);
      schedulers.push(stack);
      return stack.processes.get('scheduler')!;
    };
    const keyVersions = async () => (await db.query('SELECT version, status, created_at FROM crypto.data_keys ORDER BY version')).rows as Array<{ version: number; status: string; created_at: Date }>;
    const auditEvents = (action: string) =>
      readAuditStream(env['NATS_URL']!, env['AUDIT_STREAM']!).then((events) => events.filter((e) => e.action === action));
    const dispose = async () => {
      await db.end();
      await nats.close();
      await Promise.all(schedulers.map((s) => s.stop()));
      await backends.stop();
      await environment.dispose();
    };
    return { environment, env, backends, nats, db, call, startScheduler, schedulers, keyVersions, auditEvents, dispose };
  }

  describe('with two replicas on fast schedules (rotation every 2 s, a scan every 2 s)', () => {
    let t: Awaited<ReturnType<typeof setUp>>;

    beforeAll(async () => {
      t = await setUp({ KEY_ROTATION_INTERVAL: '2s', SECURITY_SCAN_CRON: '*/2 * * * * *', SECURITY_SCAN_WINDOW: '2s', SCHEDULER_JOB_LOCK_MS: '2000' });
      await Promise.all([t.startScheduler(), t.startScheduler()]);
    });

    afterAll(async () => {
      await t?.dispose();
    });

    it('rotates exactly once per period: versions in sequence, one KEY_ROTATED each, never two in one period', async () => {
      const rotations = await pollUntil(
        async () => (await t.db.query("SELECT period, from_version, to_version, rotated FROM scheduler.key_rotations WHERE rotated AND period LIKE 'scheduled:%'")).rows,
        { timeoutMs: 30_000, intervalMs: 200, accept: (rows) => rows.length >= 3 },
      );
      // Each period moved the key on by exactly one version.
      for (const r of rotations) expect(r.to_version).toBe(r.from_version + 1);
      const versions = await t.keyVersions();
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      expect(versions.filter((v) => v.status === 'active')).toHaveLength(1);
      const all = (await t.db.query('SELECT rotated FROM scheduler.key_rotations WHERE rotated')).rows.length;
      const events = await pollUntil(() => t.auditEvents('SECURITY_KEY_ROTATED'), { timeoutMs: 5_000, accept: (e) => e.length >= all });
      // Every rotation is a new version, audited once; no version was created without a period claiming it.
      expect(new Set(events.map((e) => e.details['activeVersion'])).size).toBe(events.length);
      expect((await t.keyVersions()).length - 1).toBeGreaterThanOrEqual(all);
      // Consecutive rotations are an interval apart, not two replicas' worth at once.
      const created = (await t.keyVersions()).map((v) => v.created_at.getTime());
      for (let i = 2; i < created.length; i += 1) expect(created[i]! - created[i - 1]!).toBeGreaterThan(900);
    });

    it('scans each scheduled window once: one report per window, one run each', async () => {
      const reports = await pollUntil(
        async () => (await t.db.query("SELECT id, window_from, window_to, runs, status FROM scheduler.scan_reports WHERE trigger = 'schedule' AND status = 'completed'")).rows,
        { timeoutMs: 30_000, intervalMs: 200, accept: (rows) => rows.length >= 3 },
      );
      for (const report of reports) {
        expect(report.runs).toBe(1);
        expect(report.window_to.getTime() - report.window_from.getTime()).toBe(2_000);
        expect(report.window_to.getTime() % 2_000).toBe(0);
      }
      expect(new Set(reports.map((r) => r.window_to.getTime())).size).toBe(reports.length);
      const completed = await pollUntil(() => t.auditEvents('SECURITY_SCAN_COMPLETED'), {
        timeoutMs: 5_000,
        accept: (events) => reports.every((r) => events.some((e) => e.details['reportId'] === r.id)),
      });
      for (const report of reports) expect(completed.filter((e) => e.details['reportId'] === report.id)).toHaveLength(1);
    });
  });

  describe('after a 40-day gap, with a worker killed mid-job', () => {
    let t: Awaited<ReturnType<typeof setUp>>;
    let queue: Queue;

    beforeAll(async () => {
      t = await setUp({ KEY_ROTATION_INTERVAL: '30d', SECURITY_SCAN_CRON: '0 3 * * *', SCHEDULER_JOB_LOCK_MS: '2000' });
      queue = new Queue('key-rotation', { connection: { url: t.env['REDIS_URL']! }, prefix: `${t.env['REDIS_KEY_PREFIX']}bull` });
    });

    afterAll(async () => {
      await queue?.close();
      await t?.dispose();
    });

    it('catches up on start: rotates the 40-day-old key once (two replicas starting together) and scans the missed window', async () => {
      expect((await t.keyVersions()).map((v) => v.version)).toEqual([1]);
      // The scheduler was down for 40 days: the active key is that old and no scan ran since.
      await t.db.query("UPDATE crypto.data_keys SET created_at = now() - interval '40 days' WHERE status = 'active'");
      await Promise.all([t.startScheduler(), t.startScheduler()]);

      const versions = await pollUntil(() => t.keyVersions(), { timeoutMs: 30_000, intervalMs: 200, accept: (v) => v.length >= 2 });
      expect(versions.find((v) => v.status === 'active')!.version).toBe(2);
      const latest3am = new Date(Math.floor((Date.now() - 3 * 3_600_000) / DAY_MS) * DAY_MS + 3 * 3_600_000);
      const report = await pollUntil(
        async () => (await t.db.query("SELECT window_from, window_to, status, runs FROM scheduler.scan_reports WHERE trigger = 'catch-up'")).rows,
        { timeoutMs: 30_000, intervalMs: 200, accept: (rows) => rows.length === 1 && rows[0].status === 'completed' },
      );
      expect(report[0].window_to.toISOString()).toBe(latest3am.toISOString());
      expect(report[0].window_to.getTime() - report[0].window_from.getTime()).toBe(DAY_MS);
      expect(report[0].runs).toBe(1);

      // Both replicas started, both checked; still one rotation, audited once.
      const events = await pollUntil(() => t.auditEvents('SECURITY_KEY_ROTATED'), { timeoutMs: 5_000, accept: (e) => e.length >= 1 });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: 'system:scheduler', details: { activeVersion: 2, retiredVersion: 1 } });
      expect((await t.keyVersions()).length).toBe(2);
    });

    it('runs a job again after its worker is killed mid-job, with the outcome of a single run', async () => {
      // Old enough for a scheduled rotation (a key younger than half the interval is left alone), not so
      // old that the new replica's start-up catch-up would rotate it. Then crypto hangs: the job stalls inside its first request, as if the worker died while waiting.
      await t.db.query("UPDATE crypto.data_keys SET created_at = now() - interval '20 days' WHERE status = 'active'");
      const crypto = t.backends.processes.get('crypto')!;
      crypto.signal('SIGSTOP');
      try {
        await queue.add('rotate', { period: 'killed-mid-job' }, { jobId: 'killed-mid-job', attempts: 5, backoff: { type: 'fixed', delay: 500 } });
        await pollUntil(() => queue.getJobState('killed-mid-job'), { timeoutMs: 10_000, accept: (state) => state === 'active' });
        for (const stack of t.schedulers) stack.processes.get('scheduler')!.signal('SIGKILL');
        await Promise.all(t.schedulers.map((s) => s.processes.get('scheduler')!.exited));
      } finally {
        crypto.signal('SIGCONT');
      }
      const survivor: ServiceProcess = await t.startScheduler();
      expect(survivor.isRunning).toBe(true);

      const state = await pollUntil(() => queue.getJobState('killed-mid-job'), { timeoutMs: 30_000, intervalMs: 200, accept: (s) => s === 'completed' || s === 'failed' });
      expect(state).toBe('completed');
      const job = (await queue.getJob('killed-mid-job'))!;
      // Picked up again after the lock lapsed (stalled-job recovery), and rotated once.
      expect(job.stalledCounter).toBeGreaterThanOrEqual(1);
      expect(job.returnvalue).toMatchObject({ period: 'killed-mid-job', fromVersion: 2, activeVersion: 3 });
      const versions = await t.keyVersions();
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
      const rotations = (await t.db.query("SELECT from_version, to_version FROM scheduler.key_rotations WHERE period = 'killed-mid-job'")).rows;
      expect(rotations).toEqual([{ from_version: 2, to_version: 3 }]);
      const events = await pollUntil(() => t.auditEvents('SECURITY_KEY_ROTATED'), { timeoutMs: 5_000, accept: (e) => e.length >= 2 });
      expect(events.filter((e) => e.details['activeVersion'] === 3)).toHaveLength(1);
    });
  });
});
