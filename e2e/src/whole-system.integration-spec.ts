import { STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import {
  createIsolatedEnvironment,
  IsolatedEnvironment,
  loginThroughGateway,
  pollUntil,
  readAuditStream,
  readJson,
  startWardenCluster,
  WardenCluster,
} from '@warden/testing';
import { randomBytes } from 'node:crypto';

const ADMIN_DISCORD_ID = STAND_IN_DISCORD_IDS.ada;
const USER_DISCORD_ID = STAND_IN_DISCORD_IDS.nelly;
const FORGER_IP = '203.0.113.77';

/**
 * The whole system as a team adopting it would check it: two replicas of every service, two gateways,
 * one scenario through both gateways alternately, every step's outcome and audit event asserted.
 */
describe('Warden as a whole, two replicas of everything', () => {
  let environment: IsolatedEnvironment;
  let cluster: WardenCluster;
  let gw1: string;
  let gw2: string;
  let admin: { token: string; user: { id: string } };
  let user: { token: string; user: { id: string } };

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    cluster = await startWardenCluster({
      ...environment.env,
      BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID,
      // Clients are told apart by X-Forwarded-For from this trusted "proxy"; the login limit is the default.
      TRUSTED_PROXIES: '127.0.0.1/8',
      RATE_LIMIT_LOGIN: '10/1m fixed',
    });
    [gw1, gw2] = cluster.gateways;
  });

  afterAll(async () => {
    await cluster?.stop();
    await environment?.dispose();
  });

  const as = (who: { token: string } | null, base: string, method: string, path: string, init: { body?: unknown; ip?: string } = {}) =>
    fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(who ? { authorization: `Bearer ${who.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.ip ? { 'x-forwarded-for': init.ip } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const streamed = () => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!);

  it('runs the scenario end to end', async () => {
    // An admin and a user log in.
    admin = await loginThroughGateway(gw1, cluster.discord, ADMIN_DISCORD_ID);
    user = await loginThroughGateway(gw1, cluster.discord, USER_DISCORD_ID);

    // The user is denied audit:read (403, audited).
    expect((await as(user, gw2, 'GET', '/audit/events')).status).toBe(403);

    // The admin creates a role, grants audit:read, assigns it; the user is allowed.
    expect((await as(admin, gw1, 'POST', '/authz/roles', { body: { name: 'auditor', description: 'reads the audit log' } })).status).toBe(201);
    expect((await as(admin, gw2, 'POST', '/authz/roles/auditor/permissions', { body: { resource: 'audit', action: 'read' } })).status).toBe(201);
    expect((await as(admin, gw1, 'PUT', `/authz/users/${user.user.id}/roles/auditor`)).status).toBe(200);
    expect((await as(user, gw2, 'GET', '/audit/events?limit=1')).status).toBe(200);

    // The admin revokes it; the user is denied within 100 ms on the other gateway.
    expect((await as(admin, gw1, 'DELETE', '/authz/roles/auditor/permissions', { body: { resource: 'audit', action: 'read' } })).status).toBe(200);
    const revokedAt = Date.now();
    await pollUntil(async () => (await as(user, gw2, 'GET', '/audit/events?limit=1')).status, { timeoutMs: 2_000, intervalMs: 2, accept: (s) => s === 403 });
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(100);

    // The user encrypts a secret; keys rotate; the old ciphertext still decrypts, a new one uses the new key.
    expect((await as(admin, gw2, 'POST', '/authz/roles', { body: { name: 'vault' } })).status).toBe(201);
    for (const action of ['encrypt', 'decrypt']) expect((await as(admin, gw1, 'POST', '/authz/roles/vault/permissions', { body: { resource: 'crypto', action } })).status).toBe(201);
    expect((await as(admin, gw2, 'PUT', `/authz/users/${user.user.id}/roles/vault`)).status).toBe(200);
    const before = await readJson(await as(user, gw1, 'POST', '/crypto/encrypt', { body: { plaintext: "O'Brien's card: 4111 1111 1111 1111", context: 'billing' } }));
    expect(before.keyVersion).toBe(1);
    const rotated = await readJson(await as(admin, gw2, 'POST', '/crypto/keys/rotate'));
    expect(rotated).toMatchObject({ rotated: true, activeVersion: 2, previousVersion: 1 });
    expect(await readJson(await as(user, gw2, 'POST', '/crypto/decrypt', { body: { ciphertext: before.ciphertext, context: 'billing' } }))).toEqual({
      plaintext: "O'Brien's card: 4111 1111 1111 1111",
      keyVersion: 1,
    });
    // Both crypto replicas know the new key at once (the rotation is broadcast): ask each gateway twice.
    for (const base of [gw1, gw2, gw1, gw2]) {
      expect((await readJson(await as(user, base, 'POST', '/crypto/encrypt', { body: { plaintext: 'new', context: 'billing' } }))).keyVersion).toBe(2);
    }

    // 20 forged callbacks from one IP, alternating gateways: the login limit (10/min per IP) trips.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const base = i % 2 === 0 ? gw1 : gw2;
      statuses.push((await as(null, base, 'GET', `/auth/discord/callback?code=forged${i}&state=${randomBytes(32).toString('base64url')}`, { ip: FORGER_IP })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));

    // A security scan names that IP.
    await pollUntil(async () => (await readJson(await as(admin, gw1, 'GET', '/audit/events?action=SECURITY_LOGIN_FAILED&limit=50'))).items.length, {
      timeoutMs: 10_000,
      accept: (n) => n >= 10,
    });
    const { reportId } = await readJson(await as(admin, gw2, 'POST', '/security/scans', { body: {} }));
    const report = await pollUntil(async () => readJson(await as(admin, gw1, 'GET', `/security/scans/${reportId}`)), { timeoutMs: 20_000, accept: (r) => r.status === 'completed' });
    expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'failed_logins_per_ip', subject: FORGER_IP, evidence: { count: 10, threshold: 10 } })]));

    // Logout on one gateway kills the token on the other, at once.
    expect((await as(user, gw1, 'POST', '/auth/logout')).status).toBe(204);
    expect((await as(user, gw2, 'GET', '/auth/me')).status).toBe(401);

    // The audit log holds every one of those events exactly once, and verifies.
    const expected: Record<string, number> = {
      SECURITY_LOGIN_SUCCESS: 2,
      SECURITY_ROLE_CREATED: 2,
      SECURITY_PERMISSION_GRANTED: 3,
      SECURITY_PERMISSION_REVOKED: 1,
      SECURITY_KEY_ROTATED: 1,
      // The 10 forged callbacks that got through the limit, and the dead token shown after logout.
      SECURITY_LOGIN_FAILED: 11,
      SECURITY_RATE_LIMIT_EXCEEDED: 1,
      SECURITY_LOGOUT: 1,
    };
    const readAll = async () => {
      const items: Array<{ id: string; action: string; actorId: string | null; details: Record<string, unknown> }> = [];
      let cursor: string | null = null;
      do {
        const page = await readJson(await as(admin, gw2, 'GET', `/audit/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`));
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    };
    // Everything published so far reaches the log (stream and table agree, event for event).
    const published = await pollUntil(streamed, { timeoutMs: 10_000, accept: (events) => Object.entries(expected).every(([action, n]) => events.filter((e) => e.action === action).length >= n) });
    const stored = await pollUntil(readAll, { timeoutMs: 15_000, accept: (items) => published.every((p) => items.some((e) => e.id === p.id)) });
    for (const [action, n] of Object.entries(expected)) expect({ action, count: stored.filter((e) => e.action === action).length }).toEqual({ action, count: n });
    expect(stored.filter((e) => e.action === 'SECURITY_PERMISSION_DENIED' && e.actorId === user.user.id).length).toBeGreaterThanOrEqual(2);
    expect(stored.filter((e) => e.action === 'SECURITY_ROLE_ASSIGNED' && e.details['role'] === 'auditor')).toHaveLength(1);
    expect(stored.filter((e) => e.action === 'SECURITY_LOGIN_FAILED' && e.details['ip'] === FORGER_IP)).toHaveLength(10);
    expect(stored.filter((e) => e.action === 'SECURITY_LOGIN_FAILED' && e.actorId === user.user.id)).toMatchObject([{ details: { reason: 'session_revoked' } }]);
    expect(stored.filter((e) => e.action === 'SECURITY_SUSPICIOUS_ACTIVITY' && e.details['subject'] === FORGER_IP)).toHaveLength(1);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    const verified = await readJson(await as(admin, gw1, 'GET', '/audit/verify'));
    expect(verified).toMatchObject({ valid: true, firstBrokenSeq: null });
    expect(verified.checked).toBeGreaterThanOrEqual(stored.length);
  });
});
