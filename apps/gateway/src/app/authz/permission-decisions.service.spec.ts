import { AppConfig, gatewayConfig } from '@warden/config';
import { BroadcastBus, NatsConnectionState } from '@warden/messaging';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { PermissionDecisions } from './permission-decisions.service';

type Change = { userIds: string[]; allUsers: boolean };
const SCOPE = { requestId: 'req-1', clientIp: '127.0.0.1' };

/** The cache's rules, with authz and the broadcast bus played by the test. */
function setUp(ttlMs = 2_000) {
  const answers: Array<(allowed: boolean) => void> = [];
  const asked: unknown[] = [];
  let onChange: (change: Change) => void = () => undefined;
  let onReconnect: () => void = () => undefined;
  const rpc = {
    request: (_scope: unknown, _contract: unknown, payload: unknown) => {
      asked.push(payload);
      return new Promise((resolve) => answers.push((allowed) => resolve({ allowed })));
    },
  } as unknown as ScopedRpcClient;
  const broadcast = { subscribe: (_event: unknown, handler: (change: Change) => void) => (onChange = handler) } as unknown as BroadcastBus;
  const natsState = { onReconnect: (listener: () => void) => (onReconnect = listener) } as unknown as NatsConnectionState;
  const config = new AppConfig<typeof gatewayConfig.shape>({ PERMISSION_CACHE_TTL_MS: ttlMs } as never);
  const decisions = new PermissionDecisions(rpc, broadcast, natsState, config);
  decisions.onModuleInit();
  /** Asks, and answers the request it caused (if any) with `allowed`. */
  const ask = async (userId: string, allowed = true) => {
    const before = answers.length;
    const pending = decisions.isAllowed(SCOPE, userId, 'audit', 'read');
    if (answers.length > before) answers[answers.length - 1]!(allowed);
    return pending;
  };
  return { decisions, asked, answers, ask, change: (c: Change) => onChange(c), reconnect: () => onReconnect() };
}

describe('PermissionDecisions', () => {
  it('reuses an answer for the same user, resource and action', async () => {
    const t = setUp();
    expect(await t.ask('u1')).toBe(true);
    expect(await t.ask('u1')).toBe(true);
    expect(t.asked).toHaveLength(1);
    await t.ask('u2', false);
    expect(t.asked).toHaveLength(2);
  });

  it('asks again after a change to that user, all users, or a reconnect', async () => {
    const t = setUp();
    await t.ask('u1');
    await t.ask('u2');
    t.change({ userIds: ['u1'], allUsers: false });
    expect(await t.ask('u1', false)).toBe(false);
    await t.ask('u2');
    expect(t.asked).toHaveLength(3);
    t.change({ userIds: [], allUsers: true });
    await t.ask('u2', false);
    t.reconnect();
    await t.ask('u2', false);
    expect(t.asked).toHaveLength(5);
  });

  it('never caches an answer that was in flight when a change arrived', async () => {
    const t = setUp();
    const pending = t.decisions.isAllowed(SCOPE, 'u1', 'audit', 'read');
    t.change({ userIds: ['someone-else'], allUsers: false });
    t.answers[0]!(true);
    expect(await pending).toBe(true);
    expect(await t.ask('u1', false)).toBe(false);
    expect(t.asked).toHaveLength(2);
  });

  it('does not cache a changed user\'s answers for a moment after the change (an authz replica may lag)', async () => {
    const t = setUp();
    t.change({ userIds: ['u1'], allUsers: false });
    await t.ask('u1');
    await t.ask('u1');
    await t.ask('u2');
    await t.ask('u2');
    expect(t.asked).toHaveLength(3);
    t.change({ userIds: [], allUsers: true });
    await t.ask('u2');
    await t.ask('u2');
    expect(t.asked).toHaveLength(5);
  });

  it('asks every time when the TTL is 0', async () => {
    const t = setUp(0);
    await t.ask('u1');
    await t.ask('u1');
    expect(t.asked).toHaveLength(2);
  });
});
