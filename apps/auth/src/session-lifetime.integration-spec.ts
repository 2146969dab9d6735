import { INestApplication } from '@nestjs/common';
import { AppConfig, authConfig, parseConfig } from '@warden/config';
import { FakeDiscordServer, STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import { Clock } from '@warden/service-host';
import {
  createIsolatedEnvironment,
  freePort,
  IsolatedEnvironment,
  pollUntil,
  readAuditStream,
  startWardenStack,
  WardenStack,
} from '@warden/testing';
import { ManualClock, startServiceInProcess } from '@warden/service-testing';
import { connect, NatsConnection, StringCodec } from 'nats';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthAppModule } from './app/app.module';
import { ExpiredSessionPurger } from './app/sessions/expired-session.purger';

const codec = StringCodec();
const DAY = 86_400_000;
const CALLBACK = 'http://gateway.test/auth/discord/callback';

/** Session and login-state lifetimes with an injected clock, and SESSION_IP_POLICY=enforce, over NATS. */
describe('auth service with an injected clock', () => {
  let environment: IsolatedEnvironment;
  let authz: WardenStack;
  let discord: FakeDiscordServer;
  let auth: INestApplication;
  let nats: NatsConnection;
  let db: Client;
  const clock = new ManualClock();

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    discord = new FakeDiscordServer({ clientId: 'warden-it', clientSecret: 'it-secret-0123456789', redirectUris: [CALLBACK], port: await freePort() });
    const api = await discord.start();
    authz = await startWardenStack(environment.env, ['authz']);
    const config = parseConfig(authConfig, {
      ...environment.env,
      DISCORD_CLIENT_ID: 'warden-it',
      DISCORD_CLIENT_SECRET: 'it-secret-0123456789',
      DISCORD_CALLBACK_URL: CALLBACK,
      DISCORD_API_URL: api,
      SESSION_IP_POLICY: 'enforce',
    });
    auth = await startServiceInProcess('auth', AuthAppModule.register(config, new AppConfig(config)), config, [{ provide: Clock, useValue: clock }]);
    nats = await connect({ servers: environment.env['NATS_URL'] });
    db = new Client({ connectionString: environment.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await nats?.close();
    await auth?.close();
    await authz?.stop();
    await discord?.stop();
    await environment?.dispose();
  });

  async function call(subject: string, body: unknown): Promise<{ error?: { code: string; message: string } } & Record<string, unknown>> {
    const reply = await nats.request(`${environment.env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(JSON.stringify(body)), { timeout: 10_000 });
    return JSON.parse(codec.decode(reply.data));
  }

  async function login(ip = '198.51.100.7') {
    const started = (await call('auth.login.start', { ip, userAgent: 'jest' })) as { authorizeUrl: string; browserBinding: string };
    const location = new URL(discord.consent(new URL(started.authorizeUrl).searchParams, STAND_IN_DISCORD_IDS.nelly, true).location!);
    return { started, code: location.searchParams.get('code')!, state: location.searchParams.get('state')! };
  }

  async function loginFully(ip = '198.51.100.7') {
    const { started, code, state } = await login(ip);
    return (await call('auth.login.complete', { code, state, browserBinding: started.browserBinding, ip, userAgent: 'jest' })) as { token: string; sessionId: string };
  }

  it('a session is valid until SESSION_TTL (7 days) and expired after', async () => {
    const { token } = await loginFully();
    expect(await call('auth.session.validate', { token, ip: '198.51.100.7' })).toMatchObject({ roles: ['user'] });
    clock.advance(7 * DAY - 1_000);
    expect((await call('auth.session.validate', { token, ip: '198.51.100.7' })).error).toBeUndefined();
    clock.advance(2_000);
    expect((await call('auth.session.validate', { token, ip: '198.51.100.7' })).error).toEqual(
      expect.objectContaining({ code: 'UNAUTHORIZED', message: 'session expired' }),
    );
  });

  it('a login state expires after 10 minutes', async () => {
    const { started, code, state } = await login();
    clock.advance(10 * 60_000 + 1);
    const reply = await call('auth.login.complete', { code, state, browserBinding: started.browserBinding, ip: '198.51.100.7', userAgent: 'jest' });
    expect(reply.error).toEqual(expect.objectContaining({ code: 'INVALID_STATE', message: 'login state expired; start again' }));
  });

  it('with SESSION_IP_POLICY=enforce, a token from another address is refused and audited', async () => {
    const { token, sessionId } = await loginFully('198.51.100.7');
    const reply = await call('auth.session.validate', { token, ip: '203.0.113.99' });
    expect(reply.error).toEqual(expect.objectContaining({ code: 'UNAUTHORIZED', message: 'session used from another address' }));
    const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
      timeoutMs: 5_000,
      accept: (e) => e.some((x) => x.action === 'SECURITY_SESSION_IP_CHANGED'),
    });
    expect(events.find((e) => e.action === 'SECURITY_SESSION_IP_CHANGED')!.details).toEqual({
      sessionId,
      previousIp: '198.51.100.7',
      ip: '203.0.113.99',
      policy: 'enforce',
      action: 'rejected',
    });
    expect((await call('auth.session.validate', { token, ip: '198.51.100.7' })).error).toBeUndefined();
  });

  it('malformed tokens are refused without touching the database', async () => {
    const database = auth.get(DataSource);
    const queries = jest.spyOn(database, 'createQueryRunner');
    try {
      for (const token of ['', 'short', 'x'.repeat(44), 'has spaces in it and is forty-three chars!!', "'; DROP TABLE auth.sessions; --"]) {
        expect((await call('auth.session.validate', { token })).error).toEqual(expect.objectContaining({ code: 'UNAUTHORIZED', message: 'malformed session token' }));
      }
      expect(queries).not.toHaveBeenCalled();
      // Control: a well-formed (unknown) token is looked up.
      expect((await call('auth.session.validate', { token: 'Z'.repeat(43) })).error).toEqual(expect.objectContaining({ message: 'unknown session' }));
      expect(queries).toHaveBeenCalled();
    } finally {
      queries.mockRestore();
    }
  });

  it('the periodic purge deletes sessions a day after they expire', async () => {
    const { sessionId } = await loginFully();
    const purger = auth.get(ExpiredSessionPurger);
    await purger.purgeOnce();
    expect((await db.query('SELECT 1 FROM auth.sessions WHERE id = $1', [sessionId])).rowCount).toBe(1);
    clock.advance(8 * DAY + 1_000);
    const purged = await purger.purgeOnce();
    expect(purged?.sessions).toBeGreaterThanOrEqual(1);
    expect((await db.query('SELECT 1 FROM auth.sessions WHERE id = $1', [sessionId])).rowCount).toBe(0);
  });

  it('hands a first login made while authz is down over to authz once it is back (outbox with retries)', async () => {
    discord.addUser({ id: '80351110224678999', username: 'late', global_name: null, avatar: null });
    await authz.stop();
    const { started, code, state } = await login();
    const consentForLate = new URL(discord.consent(new URL(started.authorizeUrl).searchParams, '80351110224678999', true).location!);
    void code;
    const completed = (await call('auth.login.complete', {
      code: consentForLate.searchParams.get('code'),
      state,
      browserBinding: started.browserBinding,
      ip: '198.51.100.7',
      userAgent: 'jest',
    })) as { token: string; user: { id: string } };
    expect(completed.token).toEqual(expect.any(String));
    const pending = await db.query('SELECT roles, completed_at, attempts FROM auth.role_provisioning WHERE user_id = $1', [completed.user.id]);
    expect(pending.rows[0]).toMatchObject({ roles: ['user'], completed_at: null });

    authz = await startWardenStack(environment.env, ['authz']);
    // The retry pass runs every 5 s; it uses the injected clock for backoff, so move it past any delay.
    clock.advance(10 * 60_000);
    await pollUntil(async () => (await db.query('SELECT completed_at FROM auth.role_provisioning WHERE user_id = $1', [completed.user.id])).rows[0].completed_at, {
      timeoutMs: 15_000,
      intervalMs: 250,
      description: 'the role hand-over to complete',
    });
    expect(await call('auth.session.validate', { token: completed.token, ip: '198.51.100.7' })).toMatchObject({ roles: ['user'] });
  });
});
