import { FakeDiscordServer, STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import {
  freePort,
  GENEROUS_RATE_LIMITS,
  IsolatedEnvironment,
  loginThroughGateway,
  pollUntil,
  readAuditStream,
  readJson,
  ServiceProcess,
  StackWithDiscord,
  startStackWithDiscord,
} from '@warden/testing';
import { randomBytes, randomUUID } from 'node:crypto';

const ADMIN_DISCORD_ID = STAND_IN_DISCORD_IDS.ada;
const USER_DISCORD_ID = STAND_IN_DISCORD_IDS.nelly;
const FORGER_IP = '203.0.113.50';
const STUFFER_IP = '192.0.2.99';
const FLOODER_IP = '198.51.100.77';

/**
 * The daily security scan end to end: real abuse through the gateway (forged login callbacks, denied
 * requests, failed decryptions, replayed dead sessions from one address, rate-limit floods), a scan run
 * through POST /security/scans, its findings and events, and auto-ban enforced by the gateway.
 */
describe('security scans through the gateway', () => {
  let system: StackWithDiscord;
  let environment: IsolatedEnvironment;
  let discord: FakeDiscordServer;
  let strictGateway: ServiceProcess;
  let gw: string;
  let strict: string;
  let admin: { token: string; user: { id: string } };
  let user: { token: string; user: { id: string } };
  const replayed: Array<{ token: string; user: { id: string } }> = [];

  beforeAll(async () => {
    system = await startStackWithDiscord({
      BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID,
      // The tests play several clients through X-Forwarded-For from this trusted "proxy".
      TRUSTED_PROXIES: '127.0.0.1/8',
      SCAN_AUTOBAN: 'on',
      SCAN_FAILED_LOGINS_PER_IP: '3',
      SCAN_FAILED_LOGINS_PER_ACCOUNT: '3',
      SCAN_STUFFING_ACCOUNTS_PER_IP: '3',
      SCAN_PERMISSION_DENIALS_PER_USER: '3',
      SCAN_DECRYPT_FAILURES_PER_ACTOR: '3',
      SCAN_RATE_LIMIT_VIOLATIONS_PER_KEY: '2',
    });
    ({ environment, discord, gateway: gw } = system);
    for (const n of [1, 2, 3]) discord.addUser({ id: `9000000000000000${n}`, username: `victim${n}`, global_name: null, avatar: null });
    const strictPort = await freePort();
    strict = `http://127.0.0.1:${strictPort}`;
    strictGateway = ServiceProcess.start('gateway', { ...system.env, ...GENEROUS_RATE_LIMITS, RATE_LIMIT_ANONYMOUS: '1/1s fixed', GATEWAY_PORT: String(strictPort), GATEWAY_HOST: '127.0.0.1' });
    await strictGateway.waitUntilReady(`${strict}/readyz`);
    admin = await loginThroughGateway(gw, discord, ADMIN_DISCORD_ID);
    user = await loginThroughGateway(gw, discord, USER_DISCORD_ID);
    for (const n of [1, 2, 3]) replayed.push(await loginThroughGateway(gw, discord, `9000000000000000${n}`));
  });

  afterAll(async () => {
    await strictGateway?.stop();
    await system?.dispose();
  });

  const as = (who: { token: string } | null, path: string, init: { method?: string; body?: unknown; ip?: string; base?: string } = {}) =>
    fetch(`${init.base ?? gw}${path}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(who ? { authorization: `Bearer ${who.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.ip ? { 'x-forwarded-for': init.ip } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const stored = async (action: string) => (await readJson(await as(admin, `/audit/events?action=${action}&limit=500`))).items as Array<Record<string, unknown>>;
  const streamed = async (action: string) => (await readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!)).filter((e) => e.action === action);
  const completed = (reportId: string, runs = 1) =>
    pollUntil(async () => readJson(await as(admin, `/security/scans/${reportId}`)), { timeoutMs: 30_000, intervalMs: 200, accept: (r) => r.status === 'completed' && r.runs >= runs });

  describe('abuse, then a scan', () => {
    let report: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    beforeAll(async () => {
      // A burst of forged login callbacks from one address: unknown states, each a failed login.
      for (let i = 0; i < 10; i += 1) {
        const forged = await as(null, `/auth/discord/callback?code=forged${i}&state=${randomBytes(32).toString('base64url')}`, { ip: FORGER_IP });
        expect(forged.status).toBe(400);
      }
      // A user probing what they may not do.
      for (let i = 0; i < 4; i += 1) expect((await as(user, '/authz/roles')).status).toBe(403);
      // Decryptions that fail authentication.
      const { ciphertext } = await readJson(await as(admin, '/crypto/encrypt', { method: 'POST', body: { plaintext: 'x', context: 'a' } }));
      for (let i = 0; i < 3; i += 1) expect((await as(admin, '/crypto/decrypt', { method: 'POST', body: { ciphertext, context: `wrong${i}` } })).status).toBe(400);
      // Three accounts' sessions, logged out, replayed from one address: credential stuffing; one account three times.
      for (const victim of replayed) expect((await as(victim, '/auth/logout', { method: 'POST' })).status).toBe(204);
      for (const [i, victim] of replayed.entries()) {
        for (let n = 0; n < (i === 0 ? 3 : 1); n += 1) expect((await as(victim, '/auth/me', { ip: STUFFER_IP })).status).toBe(401);
      }
      // Floods over two rate-limit windows (one violation is audited per key per window).
      await pollUntil(
        async () => {
          await Promise.all([1, 2, 3].map(() => as(null, '/auth/me', { ip: FLOODER_IP, base: strict })));
          return (await streamed('SECURITY_RATE_LIMIT_EXCEEDED')).filter((e) => e.details['key'] === `ip:${FLOODER_IP}`).length;
        },
        { timeoutMs: 15_000, intervalMs: 300, accept: (violations) => violations >= 2 },
      );
      // The audit service has stored all of it before the scan reads it.
      await pollUntil(
        async () => [
          (await stored('SECURITY_LOGIN_FAILED')).length,
          (await stored('SECURITY_PERMISSION_DENIED')).length,
          (await stored('SECURITY_DECRYPT_FAILED')).length,
          (await stored('SECURITY_RATE_LIMIT_EXCEEDED')).length,
        ],
        { timeoutMs: 15_000, accept: ([logins, denials, decrypts, violations]) => logins! >= 15 && denials! >= 4 && decrypts! >= 3 && violations! >= 2 },
      );

      // No body at all: the default window (the body {from?, to?} is optional).
      const started = await as(admin, '/security/scans', { method: 'POST' });
      expect(started.status).toBe(202);
      const queued = await readJson(started);
      expect(queued).toMatchObject({ reportId: expect.any(String), status: 'queued' });
      expect(Date.parse(queued.window.to) - Date.parse(queued.window.from)).toBe(86_400_000);
      report = await completed(queued.reportId);
    });

    it('reports each kind of abuse as a finding naming its subject', () => {
      const findings = report['findings'] as Array<Record<string, unknown>>;
      const find = (rule: string, subject: string) => findings.find((f) => f['rule'] === rule && f['subject'] === subject);
      expect(find('failed_logins_per_ip', FORGER_IP)).toMatchObject({ check: 'login_attempts', severity: 'high', ip: FORGER_IP, evidence: { count: 10, threshold: 3 } });
      expect(find('credential_stuffing', STUFFER_IP)).toMatchObject({ severity: 'high', ip: STUFFER_IP, evidence: { distinctAccounts: 3, count: 5 } });
      expect(find('failed_logins_per_account', replayed[0]!.user.id)).toMatchObject({ severity: 'medium', evidence: { count: 3 } });
      expect(find('permission_denials_per_user', user.user.id)).toMatchObject({ check: 'failed_operations', severity: 'medium', evidence: { count: 4 } });
      expect(find('decrypt_failures_per_actor', admin.user.id)).toMatchObject({ check: 'failed_operations', evidence: { count: 3 } });
      expect(find('rate_limit_violations_per_key', `ip:${FLOODER_IP}`)).toMatchObject({ check: 'rate_limit_violations', ip: FLOODER_IP, severity: 'medium' });
      expect(report['counts']).toEqual({ login_attempts: expect.any(Number), failed_operations: 2, rate_limit_violations: 1 });
      expect(report['findingCount']).toBe(findings.length);
    });

    it('emits SECURITY_SUSPICIOUS_ACTIVITY once per finding, and SECURITY_SCAN_COMPLETED', async () => {
      const findings = report['findings'] as Array<{ id: string }>;
      const events = await pollUntil(() => streamed('SECURITY_SUSPICIOUS_ACTIVITY'), { timeoutMs: 5_000, accept: (e) => e.length >= findings.length });
      for (const finding of findings) expect(events.filter((e) => e.details['findingId'] === finding.id)).toHaveLength(1);
      expect(events.find((e) => e.details['subject'] === FORGER_IP)).toMatchObject({ source: 'scheduler', ip: FORGER_IP, details: { rule: 'failed_logins_per_ip', severity: 'high', reportId: report['id'] } });
      const done = await pollUntil(() => streamed('SECURITY_SCAN_COMPLETED'), { timeoutMs: 5_000, accept: (e) => e.some((x) => x.details['reportId'] === report['id']) });
      expect(done.find((e) => e.details['reportId'] === report['id'])).toMatchObject({ details: { requestedBy: admin.user.id, trigger: 'manual' } });
    });

    it('auto-bans the high-severity addresses: 403 IP_BLOCKED at the gateway, audited, listed for admins', async () => {
      const refused = await as(null, '/auth/discord', { ip: FORGER_IP });
      expect(refused.status).toBe(403);
      expect(await readJson(refused)).toEqual({ error: { code: 'IP_BLOCKED', message: expect.any(String), requestId: expect.any(String) } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3_000);
      expect(refused.headers.get('x-frame-options')).toBe('DENY');
      expect((await as(null, '/auth/discord', { ip: STUFFER_IP })).status).toBe(403);
      // Probes stay open; a medium finding bans nobody; other clients are untouched.
      expect((await as(null, '/healthz', { ip: FORGER_IP })).status).toBe(200);
      expect((await as(null, '/auth/discord', { ip: FLOODER_IP })).status).toBe(302);
      expect((await as(null, '/auth/discord')).status).toBe(302);

      const blocks = (await readJson(await as(admin, '/security/blocks'))).items;
      expect(blocks.map((b: { ip: string }) => b.ip).sort()).toEqual([STUFFER_IP, FORGER_IP].sort());
      expect(blocks.find((b: { ip: string }) => b.ip === FORGER_IP)).toMatchObject({ reportId: report['id'], reason: expect.stringMatching(/^failed_logins_per_ip/) });
      const events = await pollUntil(() => streamed('SECURITY_IP_BLOCKED'), { timeoutMs: 5_000, accept: (e) => e.length >= 2 });
      expect(events.map((e) => e.details['ip']).sort()).toEqual([STUFFER_IP, FORGER_IP].sort());
    });

    it('lets an admin lift a block at once (audited), and 404s a second lift', async () => {
      const lifted = await as(admin, `/security/blocks/${FORGER_IP}`, { method: 'DELETE' });
      expect(lifted.status).toBe(200);
      expect(await readJson(lifted)).toEqual({ ip: FORGER_IP, lifted: true });
      expect((await as(null, '/auth/discord', { ip: FORGER_IP })).status).toBe(302);
      expect((await as(null, '/auth/discord', { ip: FORGER_IP, base: strict })).status).toBe(302);
      expect((await as(admin, `/security/blocks/${FORGER_IP}`, { method: 'DELETE' })).status).toBe(404);
      const events = await pollUntil(() => streamed('SECURITY_IP_UNBLOCKED'), { timeoutMs: 5_000, accept: (e) => e.length >= 1 });
      expect(events[0]).toMatchObject({ actorId: admin.user.id, details: { ip: FORGER_IP } });
    });

    it('scans the same window again into the same report: same findings, no duplicate events or blocks', async () => {
      const again = await readJson(await as(admin, '/security/scans', { method: 'POST', body: report['window'] }));
      expect(again.reportId).toBe(report['id']);
      const rerun = await completed(report['id'], 2);
      expect(rerun.findings.map((f: { id: string }) => f.id).sort()).toEqual((report['findings'] as Array<{ id: string }>).map((f) => f.id).sort());
      await pollUntil(() => streamed('SECURITY_SCAN_COMPLETED'), { timeoutMs: 5_000, accept: (e) => e.filter((x) => x.details['reportId'] === report['id']).length === 2 });
      const suspicious = (await streamed('SECURITY_SUSPICIOUS_ACTIVITY')).filter((e) => e.details['reportId'] === report['id']);
      expect(suspicious).toHaveLength(rerun.findings.length);
      expect(await streamed('SECURITY_IP_BLOCKED')).toHaveLength(2);
      // The lifted block stays lifted: the admin's decision is not undone by a re-run.
      expect((await as(null, '/auth/discord', { ip: FORGER_IP })).status).toBe(302);
      const listed = (await readJson(await as(admin, '/security/scans'))).items;
      expect(listed.filter((r: { id: string }) => r.id === report['id'])).toHaveLength(1);
    });
  });

  describe('refuses bad requests with 4xx and changes nothing', () => {
    it.each([
      ['a malformed time', { from: 'yesterday', to: '2026-01-01T00:00:00Z' }, /^from/],
      ['only one end', { from: '2026-01-01T00:00:00Z' }, /^from/],
      ['an inverted window', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /^from/],
      ['a window over 31 days', { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /^from/],
      ['an unknown field', { window: 'all' }, /window/],
    ])('POST /security/scans with %s: 400 naming the field', async (_name, body, field) => {
      // Requested scans only: the scheduler's own catch-up scan may be created at any moment.
      const requested = async () => (await readJson(await as(admin, '/security/scans?limit=100'))).items.filter((r: { trigger: string }) => r.trigger === 'manual').length;
      const before = await requested();
      const response = await as(admin, '/security/scans', { method: 'POST', body });
      expect(response.status).toBe(400);
      expect((await readJson(response)).error).toMatchObject({ code: 'BAD_REQUEST', fields: [expect.stringMatching(field)] });
      expect(await requested()).toBe(before);
    });

    it('answers 403 without the permission, 400 for malformed ids and addresses, 404 for unknown ones', async () => {
      expect((await as(user, '/security/scans', { method: 'POST', body: {} })).status).toBe(403);
      expect((await as(user, '/security/scans')).status).toBe(403);
      expect((await as(user, `/security/blocks/${STUFFER_IP}`, { method: 'DELETE' })).status).toBe(403);
      expect((await as(admin, '/security/scans/not-a-uuid')).status).toBe(400);
      expect((await as(admin, `/security/scans/${randomUUID()}`)).status).toBe(404);
      expect((await as(admin, '/security/scans?limit=0')).status).toBe(400);
      expect((await as(admin, '/security/scans?cursor=abc')).status).toBe(400);
      expect((await as(admin, '/security/blocks/not-an-ip', { method: 'DELETE' })).status).toBe(400);
      expect((await as(admin, '/security/blocks/10.9.8.7', { method: 'DELETE' })).status).toBe(404);
      expect((await readJson(await as(admin, '/security/blocks'))).items.map((b: { ip: string }) => b.ip)).toContain(STUFFER_IP);
    });
  });
});
