import { STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import {
  createIsolatedEnvironment,
  freePort,
  IsolatedEnvironment,
  loginThroughGateway,
  NatsServerProcess,
  pollUntil,
  readJson,
  RedisServerProcess,
  startWardenCluster,
  startWardenStack,
  TcpProxy,
  WardenCluster,
  WardenStack,
} from '@warden/testing';
import { Queue } from 'bullmq';

const ADMIN_DISCORD_ID = STAND_IN_DISCORD_IDS.ada;
const USER_DISCORD_ID = STAND_IN_DISCORD_IDS.nelly;

interface Outcome {
  at: number;
  status: number;
  code?: string;
}

/**
 * Faults with the exact expected behaviour: replicas killed under load, NATS restarted, Redis stopped,
 * Postgres unreachable, the audit service down — on NATS, Redis and a Postgres proxy of the test's own,
 * with two replicas of every service.
 */
describe('Warden under faults', () => {
  let nats: NatsServerProcess;
  let redis: RedisServerProcess;
  let postgres: TcpProxy;
  let environment: IsolatedEnvironment;
  let cluster: WardenCluster;
  let env: Record<string, string>;
  let gw1: string;
  let gw2: string;
  let admin: { token: string; user: { id: string } };
  let user: { token: string; user: { id: string } };
  const extra: WardenStack[] = [];

  beforeAll(async () => {
    nats = new NatsServerProcess(await freePort());
    await nats.start();
    redis = new RedisServerProcess(await freePort());
    await redis.start();
    environment = await createIsolatedEnvironment(nats.url);
    const database = new URL(environment.env['DATABASE_URL']!);
    postgres = new TcpProxy(await freePort(), { host: database.hostname, port: Number(database.port || 5432) });
    await postgres.start();
    database.host = `127.0.0.1:${postgres.port}`;
    env = { ...environment.env, DATABASE_URL: database.toString(), REDIS_URL: redis.url, BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID, NATS_REQUEST_TIMEOUT_MS: '2000' };
    cluster = await startWardenCluster(env);
    [gw1, gw2] = cluster.gateways;
    admin = await loginThroughGateway(gw1, cluster.discord, ADMIN_DISCORD_ID);
    user = await loginThroughGateway(gw1, cluster.discord, USER_DISCORD_ID);
  });

  afterAll(async () => {
    await Promise.all(extra.map((s) => s.stop()));
    await cluster?.stop();
    await environment?.dispose();
    await postgres?.stop();
    await redis?.stop();
    await nats?.dispose();
  });

  const as = (who: { token: string } | null, base: string, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const outcome = async (response: Promise<Response>): Promise<Outcome> => {
    const r = await response;
    const body = (await r.json().catch(() => null)) as { error?: { code?: string } } | null;
    return { at: Date.now(), status: r.status, code: body?.error?.code };
  };
  const deniedEvents = async () =>
    (await readJson(await as(admin, gw2, 'GET', `/audit/events?action=SECURITY_PERMISSION_DENIED&actorId=${user.user.id}&limit=500`))).items.length as number;

  /** `concurrency` loops over every service's route through `base` until `until` resolves. */
  async function load(base: string, concurrency: number, until: Promise<unknown>): Promise<Outcome[]> {
    const routes: Array<() => Promise<Response>> = [
      () => as(admin, base, 'GET', '/auth/me'),
      () => as(admin, base, 'GET', `/authz/users/${user.user.id}/roles`),
      () => as(admin, base, 'POST', '/crypto/encrypt', { plaintext: 'under load' }),
      () => as(admin, base, 'GET', '/security/scans?limit=1'),
      () => as(admin, base, 'GET', '/audit/events?limit=1'),
    ];
    let done = false;
    void until.then(() => (done = true));
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async (_, loop) => {
        for (let i = loop; !done; i += 1) outcomes.push(await outcome(routes[i % routes.length]!()).catch(() => ({ at: Date.now(), status: 0 })));
      }),
    );
    return outcomes;
  }

  it('keeps answering through the other replicas when one replica of every service is SIGKILLed under load', async () => {
    let killedAt = 0;
    const scenario = (async () => {
      await pollUntil(() => Date.now(), { timeoutMs: 2_000, accept: (now) => now > started + 1_000 });
      killedAt = Date.now();
      for (const app of ['gateway', 'auth', 'authz', 'crypto', 'audit', 'scheduler'] as const) cluster.replicas[0].processes.get(app)!.signal('SIGKILL');
      await pollUntil(() => Date.now(), { timeoutMs: 10_000, accept: (now) => now > killedAt + 5_000 });
    })();
    const started = Date.now();
    const outcomes = await load(gw2, 8, scenario);
    const failures = outcomes.filter((o) => o.status < 200 || o.status >= 300);
    expect(outcomes.filter((o) => o.at < killedAt).every((o) => o.status >= 200 && o.status < 300)).toBe(true);
    // Only requests in flight to a killed replica fail, as 503/504 with the error shape, within the NATS timeout.
    for (const failure of failures) {
      expect([503, 504]).toContain(failure.status);
      expect(['SERVICE_UNAVAILABLE', 'TIMEOUT']).toContain(failure.code);
      expect(failure.at - killedAt).toBeLessThan(2_500);
    }
    expect(failures.length).toBeLessThanOrEqual(8);
    const after = outcomes.filter((o) => o.at > killedAt + 2_500);
    expect(after.length).toBeGreaterThan(50);
    expect(after.every((o) => o.status >= 200 && o.status < 300)).toBe(true);
    await cluster.restartReplicaSet(0);
  });

  it('reconnects by itself after NATS restarts, and loses no audit event', async () => {
    const before = await deniedEvents();
    let denied = 0;
    const probe = async (base: string) => {
      const o = await outcome(as(user, base, 'GET', '/authz/roles'));
      if (o.status === 403) denied += 1;
      return o;
    };
    for (const base of [gw1, gw2, gw1, gw2]) expect((await probe(base)).status).toBe(403);
    await nats.stop();
    // While NATS is down: denied from the gateway's cache (and audited later), or 503/504 with the error
    // shape — never a 500 and never an allow.
    for (const base of [gw1, gw2, gw1, gw2]) {
      const o = await probe(base);
      expect([403, 503, 504]).toContain(o.status);
      if (o.status !== 403) expect(['SERVICE_UNAVAILABLE', 'TIMEOUT']).toContain(o.code);
    }
    await nats.start();
    for (const base of [gw1, gw2]) await pollUntil(async () => (await fetch(`${base}/readyz`)).status, { timeoutMs: 30_000, intervalMs: 200, accept: (s) => s === 200 });
    for (const base of [gw1, gw2, gw1, gw2]) expect((await probe(base)).status).toBe(403);
    const stored = await pollUntil(deniedEvents, { timeoutMs: 30_000, intervalMs: 200, accept: (n) => n >= before + denied });
    expect(stored).toBe(before + denied);
  });

  it('fails closed for login and admin routes and open for the rest while Redis is down; BullMQ resumes after', async () => {
    await redis.stop();
    const login = await outcome(as(null, gw1, 'GET', '/auth/discord'));
    expect(login).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await outcome(as(admin, gw2, 'POST', '/crypto/keys/rotate'))).status).toBe(503);
    expect((await outcome(as(admin, gw2, 'GET', '/auth/me'))).status).toBe(200);
    // Logged and counted where they happened: closed on gw1 (login), open on gw2 (/auth/me).
    expect(await (await fetch(`${gw1}/metrics`)).text()).toMatch(/warden_rate_limit_decisions_total\{[^}]*outcome="redis_error_closed"[^}]*\} [1-9]/);
    expect(await (await fetch(`${gw2}/metrics`)).text()).toMatch(/warden_rate_limit_decisions_total\{[^}]*outcome="redis_error_open"[^}]*\} [1-9]/);

    // This Redis keeps nothing across a restart: the schedules and queues come back by themselves.
    await redis.start();
    await pollUntil(async () => (await as(null, gw1, 'GET', '/auth/discord')).status, { timeoutMs: 30_000, intervalMs: 200, accept: (s) => s === 302 });
    expect((await as(admin, gw2, 'GET', '/auth/me')).headers.get('ratelimit-limit')).not.toBeNull();
    const queue = new Queue('security-scan', { connection: { url: redis.url }, prefix: `${env['REDIS_KEY_PREFIX']}bull` });
    try {
      await pollUntil(() => queue.getJobScheduler('daily-security-scan'), { timeoutMs: 90_000, intervalMs: 500, accept: (s) => Boolean(s) });
    } finally {
      await queue.close();
    }
    const { reportId } = await readJson(await as(admin, gw1, 'POST', '/security/scans', {}));
    await pollUntil(async () => (await readJson(await as(admin, gw2, 'GET', `/security/scans/${reportId}`))).status, { timeoutMs: 30_000, accept: (s) => s === 'completed' });
  });

  it('answers 503 with the error shape while Postgres is unreachable for 10 s, corrupts nothing, and recovers', async () => {
    const rolesBefore = (await readJson(await as(admin, gw1, 'GET', '/authz/roles'))).roles.length as number;
    await postgres.cut();
    const cutAt = Date.now();
    const during: Outcome[] = [];
    let i = 0;
    await pollUntil(
      async () => {
        i += 1;
        during.push(await outcome(as(admin, i % 2 ? gw1 : gw2, 'POST', '/authz/roles', { name: `outage-${i}` })));
        during.push(await outcome(as(admin, i % 2 ? gw2 : gw1, 'GET', '/security/scans?limit=1')));
        return Date.now() - cutAt;
      },
      { timeoutMs: 20_000, intervalMs: 250, accept: (elapsed) => elapsed >= 10_000 },
    );
    await postgres.start();
    expect(during.length).toBeGreaterThan(20);
    for (const o of during) expect({ status: o.status, code: o.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const created = await pollUntil(async () => (await as(admin, gw2, 'POST', '/authz/roles', { name: 'after-outage' })).status, { timeoutMs: 30_000, intervalMs: 250, accept: (s) => s === 201 });
    expect(created).toBe(201);
    const names = (await readJson(await as(admin, gw1, 'GET', '/authz/roles'))).roles.map((r: { name: string }) => r.name);
    expect(names.filter((n: string) => n.startsWith('outage-'))).toEqual([]);
    expect(names.length).toBe(rolesBefore + 1);
    expect(await readJson(await as(admin, gw1, 'GET', '/audit/verify'))).toMatchObject({ valid: true, firstBrokenSeq: null });
  });

  it('stores every event of a minute of activity while the audit service was down', async () => {
    const before = await deniedEvents();
    await Promise.all(cluster.processesOf('audit').map((p) => p.stop()));
    const downAt = Date.now();
    let denied = 0;
    await pollUntil(
      async () => {
        const o = await outcome(as(user, denied % 2 ? gw1 : gw2, 'GET', '/authz/roles'));
        if (o.status === 403) denied += 1;
        return Date.now() - downAt;
      },
      { timeoutMs: 90_000, intervalMs: 200, accept: (elapsed) => elapsed >= 60_000 },
    );
    expect(denied).toBeGreaterThan(100);
    extra.push(await startWardenStack(env, ['audit']));
    const stored = await pollUntil(deniedEvents, { timeoutMs: 60_000, intervalMs: 250, accept: (n) => n >= before + denied });
    expect(stored).toBe(before + denied);
    expect(await readJson(await as(admin, gw1, 'GET', '/audit/verify'))).toMatchObject({ valid: true });
  });
});
