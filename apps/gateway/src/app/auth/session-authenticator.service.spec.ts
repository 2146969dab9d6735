import { AppConfig, gatewayConfig } from '@warden/config';
import { ErrorCode } from '@warden/contracts';
import { BroadcastBus, NatsConnectionState } from '@warden/messaging';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { SessionAuthenticator } from './session-authenticator.service';

const TOKEN = 'a'.repeat(43);
const SESSION = {
  userId: '3f1c0c8e-5a4b-4c2d-9e8f-0a1b2c3d4e5f',
  sessionId: '9b2e7d1a-0c3f-4e5d-8a6b-7c8d9e0f1a2b',
  discordId: '80351110224678912',
  username: 'nelly',
  roles: ['user'],
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
};
const scopeFrom = (clientIp: string) => ({ requestId: 'req-1', clientIp });

/** The validation cache's rules, with auth and the broadcast bus played by the test. */
function setUp(ttlMs = 2_000) {
  const answers: Array<() => void> = [];
  const asked: Array<{ token: string; ip: string }> = [];
  let onRevoked: (event: { userId: string; sessionIds: string[] }) => void = () => undefined;
  let onReconnect: () => void = () => undefined;
  const rpc = {
    request: (_scope: unknown, _contract: unknown, payload: { token: string; ip: string }) => {
      asked.push(payload);
      return new Promise((resolve) => answers.push(() => resolve(SESSION)));
    },
  } as unknown as ScopedRpcClient;
  const broadcast = { subscribe: (_event: unknown, handler: typeof onRevoked) => (onRevoked = handler) } as unknown as BroadcastBus;
  const natsState = { onReconnect: (listener: () => void) => (onReconnect = listener) } as unknown as NatsConnectionState;
  const config = new AppConfig<typeof gatewayConfig.shape>({ SESSION_CACHE_TTL_MS: ttlMs, NATS_REQUEST_TIMEOUT_MS: 2_000 } as never);
  const sessions = new SessionAuthenticator(rpc, broadcast, natsState, config);
  sessions.onModuleInit();
  /** Validates, and answers the request it caused (if any) with the session. */
  const validate = async (ip = '192.0.2.1') => {
    const before = answers.length;
    const pending = sessions.validate(TOKEN, scopeFrom(ip));
    if (answers.length > before) answers[answers.length - 1]!();
    return pending;
  };
  /** Starts a validation, lets `meanwhile` happen while auth is answering, then answers it. */
  const validateAcross = (meanwhile: () => void) => {
    const before = answers.length;
    const pending = sessions.validate(TOKEN, scopeFrom('192.0.2.1'));
    meanwhile();
    answers[before]!();
    return pending;
  };
  return {
    sessions,
    asked,
    answers,
    validate,
    validateAcross,
    revoke: (sessionIds: string[]) => onRevoked({ userId: SESSION.userId, sessionIds }),
    reconnect: () => onReconnect(),
  };
}

describe('SessionAuthenticator', () => {
  it('reuses a validation for the same token from the same address', async () => {
    const t = setUp();
    expect(await t.validate()).toEqual(SESSION);
    expect(await t.validate()).toEqual(SESSION);
    expect(t.asked).toHaveLength(1);
  });

  it('asks auth again when the token comes from another address, so SESSION_IP_POLICY sees every address', async () => {
    const t = setUp();
    await t.validate('192.0.2.1');
    await t.validate('198.51.100.7');
    expect(t.asked.map((a) => a.ip)).toEqual(['192.0.2.1', '198.51.100.7']);
    await t.validate('198.51.100.7');
    expect(t.asked).toHaveLength(2);
  });

  it('forgets a session at its revocation broadcast', async () => {
    const t = setUp();
    await t.validate();
    t.revoke([SESSION.sessionId]);
    const pending = t.sessions.validate(TOKEN, scopeFrom('192.0.2.1'));
    expect(t.asked).toHaveLength(2);
    t.answers[1]!();
    // auth answered from before the revocation (a lagging replica): still refused.
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: 'session revoked' });
  });

  it('refuses, and never caches, a validation that was in flight when its revocation arrived', async () => {
    const t = setUp();
    const pending = t.validateAcross(() => t.revoke([SESSION.sessionId]));
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: 'session revoked' });
    await expect(t.validate()).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    expect(t.asked).toHaveLength(2);
  });

  it("is not confused by another session's revocation", async () => {
    const t = setUp();
    const pending = t.validateAcross(() => t.revoke(['00000000-0000-4000-8000-000000000000']));
    expect(await pending).toEqual(SESSION);
    await t.validate();
    expect(t.asked).toHaveLength(1);
  });

  it('forgets every validation at a NATS reconnect (revocations may have been missed)', async () => {
    const t = setUp();
    await t.validate();
    t.reconnect();
    await t.validate();
    expect(t.asked).toHaveLength(2);
  });

  it('uses, but does not cache, a validation asked before a NATS reconnect', async () => {
    const t = setUp();
    // The connection drops and comes back while auth is answering: a revocation may have been missed.
    const pending = t.validateAcross(() => t.reconnect());
    expect(await pending).toEqual(SESSION);
    await t.validate();
    expect(t.asked).toHaveLength(2);
  });

  it('caches nothing in flight when a revocation storm makes it forget revoked ids early', async () => {
    const t = setUp();
    t.revoke(Array.from({ length: 100_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    // The memory is full: the oldest id is dropped within its reply window.
    const pending = t.validateAcross(() => t.revoke(['ffffffff-0000-4000-8000-000000000000']));
    expect(await pending).toEqual(SESSION);
    await t.validate();
    expect(t.asked).toHaveLength(2);
  });

  it('asks every time when the TTL is 0, and refuses an oversized token without asking', async () => {
    const t = setUp(0);
    await t.validate();
    await t.validate();
    expect(t.asked).toHaveLength(2);
    await expect(t.sessions.validate('x'.repeat(513), scopeFrom('192.0.2.1'))).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    expect(t.asked).toHaveLength(2);
  });
});
