import { FakeDiscordServer, STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import {
  createIsolatedEnvironment,
  freePort,
  GENEROUS_RATE_LIMITS,
  IsolatedEnvironment,
  loginThroughGateway,
  pollUntil,
  readAuditStream,
  readJson,
  ServiceProcess,
  startWardenStack,
  WardenStack,
} from '@warden/testing';

const ADMIN_DISCORD_ID = STAND_IN_DISCORD_IDS.ada;
const USER_DISCORD_ID = STAND_IN_DISCORD_IDS.nelly;

/** The admin API and @RequirePermission through two gateways and two authz replicas. */
describe('roles and permissions through the gateway', () => {
  let environment: IsolatedEnvironment;
  let discord: FakeDiscordServer;
  let stack: WardenStack;
  let secondAuthz: WardenStack;
  let secondGateway: ServiceProcess;
  let gw1: string;
  let gw2: string;
  let admin: { token: string; user: { id: string } };
  let user: { token: string; user: { id: string } };

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    const [port1, port2] = [await freePort(), await freePort()];
    gw1 = `http://127.0.0.1:${port1}`;
    gw2 = `http://127.0.0.1:${port2}`;
    discord = new FakeDiscordServer({ clientId: 'warden-it', clientSecret: 'it-secret-0123456789', redirectUris: [`${gw1}/auth/discord/callback`] });
    const api = await discord.start();
    const env = {
      ...environment.env,
      DISCORD_CLIENT_ID: 'warden-it',
      DISCORD_CLIENT_SECRET: 'it-secret-0123456789',
      DISCORD_CALLBACK_URL: `${gw1}/auth/discord/callback`,
      DISCORD_API_URL: api,
      BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID,
    };
    stack = await startWardenStack({ ...env, GATEWAY_PORT: String(port1) });
    secondAuthz = await startWardenStack(env, ['authz']);
    secondGateway = ServiceProcess.start('gateway', { ...env, ...GENEROUS_RATE_LIMITS, GATEWAY_PORT: String(port2), GATEWAY_HOST: '127.0.0.1' });
    await secondGateway.waitUntilReady(`${gw2}/readyz`);
    admin = await loginThroughGateway(gw1, discord, ADMIN_DISCORD_ID);
    user = await loginThroughGateway(gw1, discord, USER_DISCORD_ID);
  });

  afterAll(async () => {
    await secondGateway?.stop();
    await secondAuthz?.stop();
    await stack?.stop();
    await discord?.stop();
    await environment?.dispose();
  });

  const as = (who: { token: string }, base: string, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const canReadAudit = async (base: string) => (await readJson(await as(user, base, 'POST', '/authz/check', { resource: 'audit', action: 'read' }))).allowed;

  it('denies a user without roles:read with 403 and audits SECURITY_PERMISSION_DENIED', async () => {
    const response = await as(user, gw1, 'GET', '/authz/roles');
    expect(response.status).toBe(403);
    expect((await readJson(response)).error).toMatchObject({ code: 'FORBIDDEN', message: 'missing permission roles:read' });
    const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
      timeoutMs: 5_000,
      accept: (all) => all.some((e) => e.action === 'SECURITY_PERMISSION_DENIED'),
    });
    expect(events.find((e) => e.action === 'SECURITY_PERMISSION_DENIED')).toMatchObject({
      actorId: user.user.id,
      source: 'gateway',
      details: { userId: user.user.id, resource: 'roles', action: 'read', route: 'GET /authz/roles' },
    });
  });

  it("carries the client's X-Request-Id and IP into the gateway's own events and the services' events", async () => {
    const traced = (who: { token: string }, method: string, path: string, requestId: string, body?: unknown) =>
      fetch(`${gw1}${path}`, {
        method,
        headers: { authorization: `Bearer ${who.token}`, 'x-request-id': requestId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await traced(user, 'GET', '/authz/roles', 'trace-denied-1')).status).toBe(403);
    expect((await traced(admin, 'POST', '/authz/roles', 'trace-created-1', { name: 'traced' })).status).toBe(201);
    const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
      timeoutMs: 5_000,
      accept: (all) => all.some((e) => e.requestId === 'trace-denied-1') && all.some((e) => e.requestId === 'trace-created-1'),
    });
    expect(events.find((e) => e.requestId === 'trace-denied-1')).toMatchObject({ action: 'SECURITY_PERMISSION_DENIED', source: 'gateway', ip: '127.0.0.1' });
    expect(events.find((e) => e.requestId === 'trace-created-1')).toMatchObject({ action: 'SECURITY_ROLE_CREATED', source: 'authz', ip: '127.0.0.1', actorId: admin.user.id });
    expect((await as(admin, gw1, 'DELETE', '/authz/roles/traced')).status).toBe(204);
  });

  it('lets the admin create a role, grant a permission and assign it; the user is allowed, then denied on the other gateway within 100 ms of the revoke', async () => {
    expect((await as(user, gw1, 'POST', '/authz/check', { resource: 'audit', action: 'read' })).status).toBe(200);
    expect(await canReadAudit(gw1)).toBe(false);

    const created = await as(admin, gw1, 'POST', '/authz/roles', { name: 'auditor', description: 'Reads the audit log' });
    expect(created.status).toBe(201);
    expect(await readJson(created)).toMatchObject({ name: 'auditor', description: 'Reads the audit log', permissions: [] });
    const granted = await as(admin, gw2, 'POST', '/authz/roles/auditor/permissions', { resource: 'audit', action: 'read' });
    expect((await readJson(granted)).permissions).toEqual([{ resource: 'audit', action: 'read' }]);
    expect((await as(admin, gw1, 'PUT', `/authz/users/${user.user.id}/roles/auditor`)).status).toBe(200);
    expect(await readJson(await as(admin, gw2, 'GET', `/authz/users/${user.user.id}/roles`))).toEqual({ userId: user.user.id, roles: ['auditor', 'user'] });
    expect(await canReadAudit(gw2)).toBe(true);
    expect(await canReadAudit(gw1)).toBe(true);
    // The guarded route's answer is now in gw2's decision cache (PERMISSION_CACHE_TTL_MS, 2 s).
    expect((await as(user, gw2, 'GET', '/audit/events?limit=1')).status).toBe(200);

    const revoke = await as(admin, gw1, 'DELETE', '/authz/roles/auditor/permissions', { resource: 'audit', action: 'read' });
    expect(revoke.status).toBe(200);
    const revokedAt = Date.now();
    await pollUntil(async () => !(await canReadAudit(gw2)), { timeoutMs: 2_000, intervalMs: 2 });
    await pollUntil(async () => (await as(user, gw2, 'GET', '/audit/events?limit=1')).status === 403, { timeoutMs: 2_000, intervalMs: 2 });
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(100);
  });

  it('answers 400 listing fields, 404 for unknown roles, 409 for duplicates', async () => {
    const invalid = await as(admin, gw1, 'POST', '/authz/roles', { name: 'Not Valid', description: 7, extra: true });
    expect(invalid.status).toBe(400);
    expect((await readJson(invalid)).error.fields).toEqual([expect.stringMatching(/^name/), expect.stringMatching(/^description/), expect.stringMatching(/extra/)]);
    expect((await as(admin, gw1, 'POST', '/authz/roles', { name: 'auditor' })).status).toBe(409);
    expect((await as(admin, gw1, 'DELETE', '/authz/roles/ghost')).status).toBe(404);
    expect((await as(admin, gw1, 'PUT', `/authz/users/${user.user.id}/roles/ghost`)).status).toBe(404);
    expect((await as(admin, gw1, 'GET', '/authz/users/not-a-uuid/roles')).status).toBe(400);
    expect((await as(admin, gw1, 'POST', '/authz/roles/auditor/permissions', { resource: 'AUDIT', action: 'read' })).status).toBe(400);
  });

  it('refuses lock-out with 409: deleting admin, removing its */*, unassigning the last admin', async () => {
    expect((await as(admin, gw1, 'DELETE', '/authz/roles/admin')).status).toBe(409);
    expect((await as(admin, gw1, 'DELETE', '/authz/roles/admin/permissions', { resource: '*', action: '*' })).status).toBe(409);
    const last = await as(admin, gw1, 'DELETE', `/authz/users/${admin.user.id}/roles/admin`);
    expect(last.status).toBe(409);
    expect((await readJson(last)).error.message).toMatch(/last admin/);
  });

  it('lets a user check only their own permissions unless they hold roles:read', async () => {
    expect((await as(user, gw1, 'POST', '/authz/check', { resource: 'roles', action: 'read', userId: admin.user.id })).status).toBe(403);
    expect(await readJson(await as(admin, gw1, 'POST', '/authz/check', { resource: 'anything', action: 'x', userId: user.user.id }))).toEqual({ allowed: false });
  });

  it('deletes a role with its assignments', async () => {
    expect((await as(admin, gw1, 'DELETE', '/authz/roles/auditor')).status).toBe(204);
    expect(await readJson(await as(admin, gw1, 'GET', `/authz/users/${user.user.id}/roles`))).toEqual({ userId: user.user.id, roles: ['user'] });
  });

  it('serves the audit log and its verification to audit:read only, with 400 for bad filters', async () => {
    expect((await as(user, gw1, 'GET', '/audit/events')).status).toBe(403);
    const events = await pollUntil(async () => readJson(await as(admin, gw1, 'GET', '/audit/events?limit=5&action=SECURITY_ROLE_CREATED')), {
      timeoutMs: 10_000,
      accept: (body) => body.items?.length >= 1,
    });
    expect(events.items[0]).toMatchObject({ action: 'SECURITY_ROLE_CREATED', actorId: admin.user.id, details: { role: 'auditor' } });
    expect((await as(admin, gw1, 'GET', '/audit/events?limit=0')).status).toBe(400);
    expect((await as(admin, gw1, 'GET', '/audit/events?limit=abc')).status).toBe(400);
    expect((await as(admin, gw1, 'GET', '/audit/events?from=yesterday')).status).toBe(400);
    expect((await as(admin, gw1, 'GET', '/audit/events?unknown=1')).status).toBe(400);
    const verify = await readJson(await as(admin, gw2, 'GET', '/audit/verify'));
    expect(verify).toMatchObject({ valid: true, firstBrokenSeq: null, head: { seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(verify.checked).toBeGreaterThan(5);
  });

  it('denies with 503 (never allows) when the authorization service does not answer', async () => {
    await Promise.all([stack.processes.get('authz')!.stop(), secondAuthz.stop()]);
    const response = await as(admin, gw1, 'GET', '/authz/roles');
    expect(response.status).toBe(503);
    expect((await readJson(response)).error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
