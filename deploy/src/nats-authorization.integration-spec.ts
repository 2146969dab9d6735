import { FakeDiscordServer } from '@warden/discord-stand-in';
import { createIsolatedEnvironment, freePort, IsolatedEnvironment, loginThroughGateway, NatsServerProcess, pollUntil, startWardenStack, WardenStack } from '@warden/testing';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connect, ErrorCode, NatsConnection, NatsError, StringCodec } from 'nats';

const SERVICES = ['gateway', 'auth', 'authz', 'crypto', 'audit', 'scheduler'] as const;
type Service = (typeof SERVICES)[number];
const ADMIN_DISCORD_ID = '80351110224678913';
const codec = StringCodec();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<any> => response.json();

/**
 * deploy/nats/warden-auth.conf on a nats-server of the test's own: the whole system runs with one NATS
 * user per service (so each can do what it needs), and each user is refused what it must not do.
 */
describe('NATS authorization (deploy/nats/warden-auth.conf)', () => {
  const passwords = Object.fromEntries(SERVICES.map((s) => [s, `w${randomBytes(24).toString('hex')}`])) as Record<Service, string>;
  let nats: NatsServerProcess;
  let environment: IsolatedEnvironment;
  let discord: FakeDiscordServer;
  let stack: WardenStack;
  let gw: string;
  const opened: NatsConnection[] = [];

  beforeAll(async () => {
    nats = new NatsServerProcess(await freePort(), ['-c', join(__dirname, '../nats/warden-auth.conf')], {
      env: Object.fromEntries(SERVICES.map((s) => [`WARDEN_NATS_${s.toUpperCase()}_PASSWORD`, passwords[s]])),
      probeUser: { user: 'gateway', pass: passwords.gateway },
    });
    await nats.start();
    environment = await createIsolatedEnvironment(nats.url);
    const port = await freePort();
    gw = `http://127.0.0.1:${port}`;
    discord = new FakeDiscordServer({ clientId: 'warden-it', clientSecret: 'it-secret-0123456789', redirectUris: [`${gw}/auth/discord/callback`] });
    const api = await discord.start();
    stack = await startWardenStack(
      {
        ...environment.env,
        // Production subjects and stream name: the configuration names them.
        NATS_SUBJECT_PREFIX: '',
        AUDIT_STREAM: 'AUDIT',
        GATEWAY_PORT: String(port),
        DISCORD_CLIENT_ID: 'warden-it',
        DISCORD_CLIENT_SECRET: 'it-secret-0123456789',
        DISCORD_CALLBACK_URL: `${gw}/auth/discord/callback`,
        DISCORD_API_URL: api,
        BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID,
      },
      undefined,
      (app) => ({ NATS_USER: app, NATS_PASSWORD: passwords[app] }),
    );
  });

  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
    await stack?.stop();
    await discord?.stop();
    await environment?.dispose();
    await nats?.dispose();
  });

  const as = async (service: Service): Promise<NatsConnection> => {
    const connection = await connect({ servers: nats.url, user: service, pass: passwords[service], inboxPrefix: `_INBOX.${service}`, reconnect: false });
    opened.push(connection);
    return connection;
  };

  /** The permission errors the server reported to `connection` (nats.js reports their code). */
  const violations = (connection: NatsConnection): string[] => {
    const seen: string[] = [];
    void (async () => {
      for await (const status of connection.status()) if (status.type === 'error') seen.push(String(status.data));
    })();
    return seen;
  };

  it('lets every service do its work: login, roles, encryption, key rotation with rewrap, the audit log, a security scan', async () => {
    expect((await fetch(`${gw}/readyz`)).status).toBe(200);
    const admin = await loginThroughGateway(gw, discord, ADMIN_DISCORD_ID);
    const call = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${gw}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await json(await call('/auth/me'))).user.roles).toEqual(['admin', 'user']);
    expect((await call('/authz/roles', 'POST', { name: 'auditor' })).status).toBe(201);
    const sealed = await json(await call('/crypto/encrypt', 'POST', { plaintext: 'over the bus', context: 'it' }));
    expect((await call('/crypto/keys/rotate', 'POST')).status).toBe(200);
    expect(await json(await call('/crypto/decrypt', 'POST', { ciphertext: sealed.ciphertext, context: 'it' }))).toMatchObject({ plaintext: 'over the bus', keyVersion: 1 });
    // Auth's rewrap pass (events.crypto.rotated → crypto.rewrap → crypto.usage.report) moved its Discord tokens.
    await pollUntil(async () => (await json(await call('/crypto/keys'))).keys, {
      timeoutMs: 15_000,
      accept: (keys: Array<{ version: number; dependents: Record<string, number> }>) => (keys[0]?.dependents['auth'] ?? 0) === 0 && (keys[1]?.dependents['auth'] ?? 0) >= 1,
    });
    const user = await loginThroughGateway(gw, discord, '80351110224678912');
    expect((await fetch(`${gw}/authz/roles`, { headers: { authorization: `Bearer ${user.token}` } })).status).toBe(403);
    const scan = await json(await call('/security/scans', 'POST', {}));
    await pollUntil(async () => (await json(await call(`/security/scans/${scan.reportId}`))).status, { timeoutMs: 20_000, accept: (s) => s === 'completed' });
    // Events from every source reached the audit log through the AUDIT stream and its consumer.
    const sources = await pollUntil(
      async () => new Set(((await json(await call('/audit/events?limit=500'))).items as Array<{ source: string }>).map((e) => e.source)),
      { timeoutMs: 15_000, accept: (seen) => ['gateway', 'auth', 'authz', 'crypto', 'scheduler'].every((s) => seen.has(s)) },
    );
    expect([...sources].sort()).toEqual(expect.arrayContaining(['auth', 'authz', 'crypto', 'gateway', 'scheduler']));
    expect(await json(await call('/audit/verify'))).toMatchObject({ valid: true });
  });

  it('lets the gateway ask crypto directly, key destruction included', async () => {
    const gateway = await as('gateway');
    const ask = async (subject: string, body: unknown) => JSON.parse(codec.decode((await gateway.request(subject, codec.encode(JSON.stringify(body)), { timeout: 5_000 })).data));
    expect((await ask('crypto.decrypt', { ciphertext: 'nope' })).error).toMatchObject({ code: 'INVALID_CIPHERTEXT' });
    expect((await ask('crypto.keys.destroy', { actorId: 'it', version: 99 })).error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    ['authz', 'crypto.decrypt', { ciphertext: 'x' }],
    ['auth', 'crypto.decrypt', { ciphertext: 'x' }],
    ['scheduler', 'authz.check', { userId: 'x', resource: 'a', action: 'b' }],
    ['auth', 'authz.roles.create', { actorId: 'x', name: 'evil' }],
    ['crypto', 'crypto.keys.destroy', { actorId: 'x', version: 1 }],
    ['scheduler', 'auth.session.revoke', { userId: 'x' }],
    ['audit', 'scheduler.blocks.lift', { actorId: 'x', ip: '10.0.0.1' }],
    ['crypto', 'audit.events.gateway.SECURITY_LOGIN_SUCCESS', {}],
  ] as const)('refuses %s a publish to %s', async (service, subject, body) => {
    const connection = await as(service);
    const seen = violations(connection);
    await expect(connection.request(subject, codec.encode(JSON.stringify(body)), { timeout: 1_000 })).rejects.toThrow();
    await pollUntil(() => seen, { timeoutMs: 5_000, accept: (v) => v.includes(ErrorCode.PermissionsViolation) });
  });

  it.each([
    ['scheduler', '_INBOX.gateway.>'],
    ['gateway', 'crypto.decrypt'],
    ['authz', 'auth.session.validate'],
    ['auth', 'events.security.blocklist.changed'],
  ] as const)('refuses %s a subscription to %s', async (service, subject) => {
    const connection = await as(service);
    let refusal: NatsError | null = null;
    connection.subscribe(subject, { callback: (error) => (refusal ??= error) });
    const error = await pollUntil(() => refusal, { timeoutMs: 5_000, accept: (e) => e !== null });
    expect(error).toMatchObject({ code: ErrorCode.PermissionsViolation });
    expect(error!.message).toContain(`Subscription to "${subject}"`);
  });

  it('refuses a connection without credentials, with a wrong password, or as an unknown user', async () => {
    for (const credentials of [{}, { user: 'gateway', pass: 'wrong' }, { user: 'intruder', pass: passwords.gateway }]) {
      await expect(connect({ servers: nats.url, reconnect: false, ...credentials })).rejects.toMatchObject({ code: ErrorCode.AuthorizationViolation });
    }
  });
});
