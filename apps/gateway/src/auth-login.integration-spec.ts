import { FakeDiscordServer, STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import {
  callGatewayCallback,
  consentAt,
  createIsolatedEnvironment,
  freePort,
  GENEROUS_RATE_LIMITS,
  IsolatedEnvironment,
  loginThroughGateway,
  pollUntil,
  readAuditStream,
  readJson,
  ServiceProcess,
  startLogin,
  startWardenStack,
  WardenStack,
} from '@warden/testing';
import { connect } from 'nats';
import { chromium } from 'playwright-core';
import { Client } from 'pg';

const NELLY = STAND_IN_DISCORD_IDS.nelly;
const ADA = STAND_IN_DISCORD_IDS.ada;

/** The seed's login flow end to end: gateway → auth → (fake) Discord → session, and every way it fails. */
describe('Discord login and sessions through the gateway', () => {
  let environment: IsolatedEnvironment;
  let discord: FakeDiscordServer;
  let stack: WardenStack;
  let gateway: string;
  let secondGateway: ServiceProcess;
  let gateway2: string;
  let db: Client;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    const gatewayPort = await freePort();
    gateway = `http://localhost:${gatewayPort}`;
    discord = new FakeDiscordServer({
      clientId: 'warden-it',
      clientSecret: 'it-secret-0123456789',
      redirectUris: [`${gateway}/auth/discord/callback`],
      port: await freePort(),
    });
    const discordApi = await discord.start();
    const env = {
      ...environment.env,
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_HOST: '::',
      DISCORD_CLIENT_ID: 'warden-it',
      DISCORD_CLIENT_SECRET: 'it-secret-0123456789',
      DISCORD_CALLBACK_URL: `${gateway}/auth/discord/callback`,
      DISCORD_API_URL: discordApi,
      BOOTSTRAP_ADMIN_DISCORD_IDS: ADA,
      SESSION_CACHE_TTL_MS: '5000',
    };
    stack = await startWardenStack(env, ['gateway', 'auth', 'authz', 'crypto', 'audit', 'scheduler']);
    const port2 = await freePort();
    secondGateway = ServiceProcess.start('gateway', { ...env, ...GENEROUS_RATE_LIMITS, GATEWAY_PORT: String(port2), GATEWAY_HOST: '127.0.0.1' });
    gateway2 = `http://127.0.0.1:${port2}`;
    await secondGateway.waitUntilReady(`${gateway2}/readyz`);
    db = new Client({ connectionString: environment.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await secondGateway?.stop();
    await stack?.stop();
    await discord?.stop();
    await environment?.dispose();
  });

  const auditEvents = () => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!);
  const loginFailures = async () => (await auditEvents()).filter((e) => e.action === 'SECURITY_LOGIN_FAILED').map((e) => e.details['reason']);
  const me = (base: string, headers: Record<string, string>) => fetch(`${base}/auth/me`, { headers });

  describe('GET /auth/discord', () => {
    it("redirects to Discord's authorize URL with client id, callback, scope, state and a PKCE S256 challenge", async () => {
      const response = await fetch(`${gateway}/auth/discord`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${discord.baseUrl}/v10/oauth2/authorize`);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        client_id: 'warden-it',
        redirect_uri: `${gateway}/auth/discord/callback`,
        response_type: 'code',
        scope: 'identify',
        state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        code_challenge_method: 'S256',
      });
      const cookie = response.headers.getSetCookie()[0]!;
      expect(cookie).toMatch(/^__Host-warden_login=[A-Za-z0-9_-]{43}; Max-Age=(59\d|600); Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it('gives every login its own state', async () => {
      const [a, b] = await Promise.all([startLogin(gateway), startLogin(gateway)]);
      expect(a.state).not.toBe(b.state);
    });
  });

  describe('the callback', () => {
    it('creates the user and a session, sets the session cookie and answers {token, expiresAt, user}', async () => {
      const login = await loginThroughGateway(gateway, discord, NELLY);
      expect(login.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(login.user).toMatchObject({ discordId: NELLY, username: 'nelly', globalName: 'Nelly' });
      const ttl = Date.parse(login.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);
      const sessionCookie = login.setCookie.find((c) => c.startsWith('__Host-session='))!;
      expect(sessionCookie).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}; Max-Age=60479\d; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(login.setCookie.some((c) => /^__Host-warden_login=; Max-Age=0/.test(c))).toBe(true);

      const credentials: Array<Record<string, string>> = [{ authorization: `Bearer ${login.token}` }, { cookie: login.sessionCookie }];
      for (const headers of credentials) {
        const response = await me(gateway, headers);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.json()).toEqual({
          user: { id: login.user.id, discordId: NELLY, username: 'nelly', roles: ['user'] },
          session: { id: expect.any(String), expiresAt: login.expiresAt },
        });
      }
      const events = await pollUntil(auditEvents, { timeoutMs: 5_000, accept: (e) => e.some((x) => x.action === 'SECURITY_LOGIN_SUCCESS') });
      const success = events.find((e) => e.action === 'SECURITY_LOGIN_SUCCESS')!;
      expect(success).toMatchObject({ actorId: login.user.id, source: 'auth', details: { userId: login.user.id, newUser: true } });
      expect(success.details['ip']).toMatch(/127\.0\.0\.1|::1/);
      expect(success.details['userAgent']).toEqual(expect.any(String));
    });

    it('updates the same user on a later login (Discord id is unique)', async () => {
      const first = await loginThroughGateway(gateway, discord, NELLY);
      discord.addUser({ id: NELLY, username: 'nelly2', global_name: 'Nelly Two', avatar: null });
      const second = await loginThroughGateway(gateway, discord, NELLY);
      expect(second.user.id).toBe(first.user.id);
      expect(second.user.username).toBe('nelly2');
      const { rows } = await db.query('SELECT count(*)::int AS n FROM auth.users WHERE discord_id = $1', [NELLY]);
      expect(rows[0].n).toBe(1);
    });

    it('gives a bootstrap admin the admin role at first login', async () => {
      const login = await loginThroughGateway(gateway, discord, ADA);
      const body = (await (await me(gateway, { authorization: `Bearer ${login.token}` })).json()) as { user: { roles: string[] } };
      expect(body.user.roles).toEqual(['admin', 'user']);
    });

    const failures: Array<[string, (started: Awaited<ReturnType<typeof startLogin>>) => Promise<Response>, number, string, string]> = [
      ['missing state', async () => fetch(`${gateway}/auth/discord/callback?code=abc`), 400, 'INVALID_STATE', 'state_missing'],
      ['unknown state', async (s) => callGatewayCallback(`${gateway}/auth/discord/callback?code=abc&state=${'A'.repeat(43)}`, gateway, s.bindingCookie), 400, 'INVALID_STATE', 'state_unknown'],
      ['another browser', async (s) => callGatewayCallback(consentAt(discord, s, NELLY), gateway, '__Host-warden_login=someone-else'), 400, 'INVALID_STATE', 'state_browser_mismatch'],
      ['no login cookie at all', async (s) => callGatewayCallback(consentAt(discord, s, NELLY), gateway), 400, 'INVALID_STATE', 'state_browser_mismatch'],
      ['access denied at Discord', async (s) => callGatewayCallback(consentAt(discord, s, NELLY, false), gateway, s.bindingCookie), 401, 'LOGIN_DENIED', 'access_denied'],
    ];

    it.each(failures)('refuses %s with its own status, code and audited reason', async (_name, act, status, code, reason) => {
      const started = await startLogin(gateway);
      const response = await act(started);
      expect(response.status).toBe(status);
      expect((await readJson(response)).error).toMatchObject({ code, requestId: expect.any(String) });
      await pollUntil(loginFailures, { timeoutMs: 5_000, accept: (reasons) => reasons.includes(reason), description: `LOGIN_FAILED ${reason}` });
    });

    it('refuses a replayed state (the callback used twice)', async () => {
      const started = await startLogin(gateway);
      const callback = consentAt(discord, started, NELLY);
      expect((await callGatewayCallback(callback, gateway, started.bindingCookie)).status).toBe(200);
      const replay = await callGatewayCallback(callback, gateway, started.bindingCookie);
      expect(replay.status).toBe(400);
      expect((await readJson(replay)).error).toMatchObject({ code: 'INVALID_STATE', message: 'login state already used' });
      await pollUntil(loginFailures, { timeoutMs: 5_000, accept: (r) => r.includes('state_reused') });
    });

    it('refuses an expired state', async () => {
      const started = await startLogin(gateway);
      const callback = consentAt(discord, started, NELLY);
      // Ten minutes pass in the database's view of this state.
      await db.query("UPDATE auth.oauth_states SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL");
      const response = await callGatewayCallback(callback, gateway, started.bindingCookie);
      expect(response.status).toBe(400);
      expect((await readJson(response)).error.message).toMatch(/expired/);
      await pollUntil(loginFailures, { timeoutMs: 5_000, accept: (r) => r.includes('state_expired') });
    });

    it('answers 401 when Discord refuses a code used twice', async () => {
      const first = await startLogin(gateway);
      const callback = new URL(consentAt(discord, first, NELLY));
      expect((await callGatewayCallback(callback.toString(), gateway, first.bindingCookie)).status).toBe(200);
      const second = await startLogin(gateway);
      const reused = await callGatewayCallback(
        `${gateway}/auth/discord/callback?code=${callback.searchParams.get('code')}&state=${second.state}`,
        gateway,
        second.bindingCookie,
      );
      expect(reused.status).toBe(401);
      expect((await readJson(reused)).error.code).toBe('DISCORD_REJECTED');
      await pollUntil(loginFailures, { timeoutMs: 5_000, accept: (r) => r.includes('code_rejected') });
    });

    it('answers 401 when the PKCE verifier does not match the challenge', async () => {
      const a = await startLogin(gateway);
      const codeForA = new URL(consentAt(discord, a, NELLY)).searchParams.get('code');
      const b = await startLogin(gateway);
      // B's state (and verifier) with the code issued for A's challenge.
      const response = await callGatewayCallback(`${gateway}/auth/discord/callback?code=${codeForA}&state=${b.state}`, gateway, b.bindingCookie);
      expect(response.status).toBe(401);
      expect((await readJson(response)).error.code).toBe('DISCORD_REJECTED');
    });

    it.each([
      ['token', 502],
      ['users/@me', 500],
    ] as const)('answers 503 when Discord %s fails with %d', async (endpoint, status) => {
      const started = await startLogin(gateway);
      const callback = consentAt(discord, started, NELLY);
      discord.failNext(endpoint, status);
      const response = await callGatewayCallback(callback, gateway, started.bindingCookie);
      expect(response.status).toBe(503);
      expect((await readJson(response)).error.code).toBe('DISCORD_UNAVAILABLE');
      await pollUntil(loginFailures, { timeoutMs: 5_000, accept: (r) => r.includes('discord_unavailable') });
    });

    it('answers 503 when Discord is unreachable', async () => {
      const started = await startLogin(gateway);
      const callback = consentAt(discord, started, NELLY);
      await discord.stop();
      try {
        const response = await callGatewayCallback(callback, gateway, started.bindingCookie);
        expect(response.status).toBe(503);
        expect((await readJson(response)).error.code).toBe('DISCORD_UNAVAILABLE');
      } finally {
        await discord.start();
      }
    });
  });

  describe('sessions', () => {
    it('stores no raw token or state anywhere in the database', async () => {
      const started = await startLogin(gateway);
      const response = await callGatewayCallback(consentAt(discord, started, NELLY), gateway, started.bindingCookie);
      const { token } = await readJson(response);
      const { rows: tables } = await db.query(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
      );
      expect(tables.length).toBeGreaterThan(3);
      const needles = [token, Buffer.from(token, 'base64url').toString('hex'), started.state, Buffer.from(started.state, 'base64url').toString('hex')];
      for (const { table_schema: schema, table_name: table } of tables) {
        for (const needle of needles) {
          const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}" t WHERE t::text LIKE '%' || $1 || '%'`, [needle]);
          expect({ table: `${schema}.${table}`, matches: rows[0].n }).toEqual({ table: `${schema}.${table}`, matches: 0 });
        }
      }
    });

    it('logout revokes at once, on this gateway and on a second one that had cached the session', async () => {
      const login = await loginThroughGateway(gateway, discord, NELLY);
      const bearer = { authorization: `Bearer ${login.token}` };
      expect((await me(gateway2, bearer)).status).toBe(200); // now cached on gateway 2 for 5 s
      const logout = await fetch(`${gateway}/auth/logout`, { method: 'POST', headers: bearer });
      expect(logout.status).toBe(204);
      expect(logout.headers.getSetCookie().some((c) => /^__Host-session=; Max-Age=0/.test(c))).toBe(true);
      const revokedAt = Date.now();
      const denied = await pollUntil(() => me(gateway2, bearer), { timeoutMs: 2_000, intervalMs: 5, accept: (r) => r.status === 401 });
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(100);
      expect((await readJson(denied)).error).toMatchObject({ code: 'UNAUTHORIZED', message: 'session revoked' });
      expect((await me(gateway, bearer)).status).toBe(401);
      await pollUntil(auditEvents, { timeoutMs: 5_000, accept: (e) => e.some((x) => x.action === 'SECURITY_LOGOUT' && x.actorId === login.user.id) });
    });

    it('lists own sessions, revokes one by id, and refuses (404) to revoke someone else’s', async () => {
      const a1 = await loginThroughGateway(gateway, discord, NELLY);
      const a2 = await loginThroughGateway(gateway, discord, NELLY);
      const other = await loginThroughGateway(gateway, discord, ADA);
      const list = await readJson(await fetch(`${gateway}/auth/sessions`, { headers: { authorization: `Bearer ${a1.token}` } }));
      const current = list.sessions.find((s: { current: boolean }) => s.current);
      expect(current).toMatchObject({ ip: expect.any(String), userAgent: expect.any(String) });
      expect(JSON.stringify(list)).not.toContain(a1.token);
      const a2Id = (await readJson(await me(gateway, { authorization: `Bearer ${a2.token}` }))).session.id;
      const otherId = (await readJson(await me(gateway, { authorization: `Bearer ${other.token}` }))).session.id;

      const foreign = await fetch(`${gateway}/auth/sessions/${otherId}`, { method: 'DELETE', headers: { authorization: `Bearer ${a1.token}` } });
      expect(foreign.status).toBe(404);
      expect((await me(gateway, { authorization: `Bearer ${other.token}` })).status).toBe(200);

      const own = await fetch(`${gateway}/auth/sessions/${a2Id}`, { method: 'DELETE', headers: { authorization: `Bearer ${a1.token}` } });
      expect(own.status).toBe(204);
      expect((await me(gateway, { authorization: `Bearer ${a2.token}` })).status).toBe(401);
      expect((await me(gateway, { authorization: `Bearer ${a1.token}` })).status).toBe(200);
    });

    it('with SESSION_IP_POLICY=record (default), a token from a new address still works and the change is audited', async () => {
      const login = await loginThroughGateway(gateway, discord, NELLY);
      const nats = await connect({ servers: environment.env['NATS_URL'] });
      try {
        const reply = await nats.request(
          `${environment.env['NATS_SUBJECT_PREFIX']}auth.session.validate`,
          new TextEncoder().encode(JSON.stringify({ token: login.token, ip: '192.0.2.44' })),
          { timeout: 5_000 },
        );
        expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ userId: login.user.id });
      } finally {
        await nats.close();
      }
      const events = await pollUntil(auditEvents, { timeoutMs: 5_000, accept: (e) => e.some((x) => x.action === 'SECURITY_SESSION_IP_CHANGED' && x.details['ip'] === '192.0.2.44') });
      expect(events.find((x) => x.details['ip'] === '192.0.2.44')!.details).toMatchObject({ policy: 'record', action: 'recorded' });
    });

    it('asks auth again when a cached session shows up from another address, so the IP policy sees it', async () => {
      const login = await loginThroughGateway(gateway, discord, NELLY);
      const bearer = { authorization: `Bearer ${login.token}` };
      const port = new URL(gateway).port;
      // Gateway 1 listens on '::': the same process sees these as two client addresses.
      const first = await me(`http://127.0.0.1:${port}`, bearer); // validated and cached for 5 s
      expect(first.status).toBe(200);
      const sessionId = ((await readJson(first)) as { session: { id: string } }).session.id;
      expect((await me(`http://[::1]:${port}`, bearer)).status).toBe(200);
      const fromNewAddress = (x: { action: string; details: Record<string, unknown> }) => x.action === 'SECURITY_SESSION_IP_CHANGED' && x.details['sessionId'] === sessionId && x.details['ip'] === '::1';
      const events = await pollUntil(auditEvents, { timeoutMs: 5_000, accept: (e) => e.some(fromNewAddress) });
      const change = events.find(fromNewAddress)!;
      expect(change.details).toMatchObject({ previousIp: expect.stringMatching(/127\.0\.0\.1$/), policy: 'record', action: 'recorded' });
    });

    it('logs out everywhere', async () => {
      const a = await loginThroughGateway(gateway, discord, NELLY);
      const b = await loginThroughGateway(gateway2, discord, NELLY);
      const response = await fetch(`${gateway2}/auth/sessions`, { method: 'DELETE', headers: { authorization: `Bearer ${b.token}` } });
      expect(response.status).toBe(204);
      expect((await me(gateway, { authorization: `Bearer ${a.token}` })).status).toBe(401);
      expect((await me(gateway2, { authorization: `Bearer ${b.token}` })).status).toBe(401);
    });
  });

  describe('malformed input', () => {
    it.each([
      ['no credentials', {}],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['odd characters', { authorization: "Bearer abc<>'\";--%00" }],
      ['unicode', { authorization: 'Bearer ' + encodeURIComponent('ключ🔑') }],
      ['a well-formed but unknown token', { authorization: `Bearer ${'Z'.repeat(43)}` }],
      ['a 10 KB header', { authorization: `Bearer ${'a'.repeat(10 * 1024)}` }],
      ['a garbage cookie', { cookie: '__Host-session=%%%; other=1' }],
    ])('answers 401 in the error shape for %s', async (_name, headers) => {
      const response = await me(gateway, headers as Record<string, string>);
      expect(response.status).toBe(401);
      expect((await readJson(response)).error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
    });

    it.each([
      ['an oversized code', `code=${'c'.repeat(10_000)}&state=x`],
      ['an oversized state', `code=abc&state=${'s'.repeat(10_000)}`],
      ['a repeated parameter', 'code=a&code=b&state=x'],
      ['garbage state', 'code=abc&state=%3Cscript%3E'],
      ['no parameters at all', ''],
    ])('answers 400 for %s on the callback', async (_name, query) => {
      const response = await fetch(`${gateway}/auth/discord/callback?${query}`);
      expect(response.status).toBe(400);
      expect((await readJson(response)).error.requestId).toEqual(expect.any(String));
    });

    it('answers 400 for a session id that is not a UUID', async () => {
      const login = await loginThroughGateway(gateway, discord, NELLY);
      const response = await fetch(`${gateway}/auth/sessions/not-a-uuid`, { method: 'DELETE', headers: { authorization: `Bearer ${login.token}` } });
      expect(response.status).toBe(400);
    });
  });

  describe('in a real browser', () => {
    it('headless Chromium starts at /auth/discord, passes the (fake) Discord consent page and lands logged in with the cookie', async () => {
      const browser = await chromium.launch({
        executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${gateway}/auth/discord`);
        expect(page.url()).toContain(`${discord.baseUrl}/v10/oauth2/authorize`);
        await page.selectOption('#user', NELLY);
        await Promise.all([page.waitForURL(/\/auth\/discord\/callback\?/), page.click('#authorize')]);
        const landed = JSON.parse((await page.textContent('body'))!);
        expect(landed.user).toMatchObject({ discordId: NELLY });

        const cookies = await context.cookies(gateway);
        const session = cookies.find((c) => c.name === '__Host-session');
        expect(session).toMatchObject({ value: landed.token, httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
        expect(cookies.find((c) => c.name === '__Host-warden_login')).toBeUndefined();

        await page.goto(`${gateway}/auth/me`);
        const profile = JSON.parse((await page.textContent('body'))!);
        expect(profile.user).toMatchObject({ discordId: NELLY, roles: ['user'] });
      } finally {
        await browser.close();
      }
    });
  });
});
