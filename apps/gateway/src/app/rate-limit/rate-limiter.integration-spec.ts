import { AppConfig, gatewayConfig } from '@warden/config';
import { createRedisClient } from '@warden/redis';
import { createIsolatedEnvironment, IsolatedEnvironment } from '@warden/testing';
import Redis from 'ioredis';
import { RateLimiter } from './rate-limiter.service';

/** The decision script against the real Redis: exact counts, expiries that cannot be lost, rules counted independently. */
describe('RateLimiter (one script per request, real Redis)', () => {
  let environment: IsolatedEnvironment;
  const clients: Redis[] = [];

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
  });

  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await environment?.dispose();
  });

  async function limiter(rules: { login?: string; anonymous?: string; authenticated?: string; global?: string }) {
    const redis = createRedisClient({ REDIS_URL: environment.env['REDIS_URL']!, REDIS_KEY_PREFIX: environment.env['REDIS_KEY_PREFIX']! }, 'rate-limiter-it');
    clients.push(redis);
    // The client fails commands fast while it is not connected.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    const config = new AppConfig<typeof gatewayConfig.shape>({
      RATE_LIMIT_LOGIN: rules.login ?? '10/1m fixed',
      RATE_LIMIT_ANONYMOUS: rules.anonymous ?? '10/1m fixed',
      RATE_LIMIT_AUTHENTICATED: rules.authenticated ?? '10/1m sliding',
      RATE_LIMIT_GLOBAL_IP: rules.global ?? '1000/1m fixed',
    } as never);
    return { limiter: new RateLimiter(redis, config), redis };
  }

  it('counts a fixed window exactly, flags only the first refusal, and always leaves the counter an expiry', async () => {
    const { limiter: rl, redis } = await limiter({ anonymous: '3/1m fixed' });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push((await rl.consume([{ rule: rl.rules.anonymous, identity: 'ip:192.0.2.1' }]))[0]!);
    expect(decisions.map((d) => [d.allowed, d.remaining, d.firstViolation])).toEqual([
      [true, 2, false],
      [true, 1, false],
      [true, 0, false],
      [false, 0, true],
      [false, 0, false],
    ]);
    expect(decisions[3]!.retryAfterMs).toBeGreaterThan(0);
    const ttl = await redis.pttl('rl:anonymous:ip:192.0.2.1');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // A counter that lost its expiry (as the seed's INCR-then-EXPIRE could leave it) gets one back.
    await redis.persist('rl:anonymous:ip:192.0.2.1');
    await rl.consume([{ rule: rl.rules.anonymous, identity: 'ip:192.0.2.1' }]);
    expect(await redis.pttl('rl:anonymous:ip:192.0.2.1')).toBeGreaterThan(0);
  });

  it('spaces a sliding window (GCRA) and flags only its first refusal', async () => {
    const { limiter: rl, redis } = await limiter({ authenticated: '2/1m sliding' });
    const check = { rule: rl.rules.authenticated, identity: 'user:u-1' };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push((await rl.consume([check]))[0]!);
    expect(decisions.map((d) => [d.allowed, d.firstViolation])).toEqual([
      [true, false],
      [true, false],
      [false, true],
      [false, false],
    ]);
    // One request's worth of the window (30 s) must pass before the next is allowed.
    expect(decisions[2]!.retryAfterMs).toBeGreaterThan(25_000);
    expect(decisions[2]!.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl('rl:authenticated:user:u-1')).toBeGreaterThan(0);
  });

  it('counts every rule of a call, whatever the others decide', async () => {
    const { limiter: rl } = await limiter({ global: '1/1m fixed', authenticated: '5/1m sliding' });
    const checks = [
      { rule: rl.rules['global-ip'], identity: 'ip:192.0.2.2' },
      { rule: rl.rules.authenticated, identity: 'user:u-2' },
    ];
    const [first, second] = [await rl.consume(checks), await rl.consume(checks)];
    expect(first.map((d) => [d.rule.name, d.allowed, d.remaining])).toEqual([
      ['global-ip', true, 0],
      ['authenticated', true, 4],
    ]);
    expect(second.map((d) => [d.rule.name, d.allowed])).toEqual([
      ['global-ip', false],
      ['authenticated', true],
    ]);
    expect(second[1]!.remaining).toBe(3);
  });

  it('gives exactly L successes to N > L simultaneous calls from two clients', async () => {
    const [a, b] = [(await limiter({ login: '20/1m fixed' })).limiter, (await limiter({ login: '20/1m fixed' })).limiter];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).consume([{ rule: a.rules.login, identity: 'ip:192.0.2.3' }]).then((d) => d[0]!.allowed)),
    );
    expect(results.filter(Boolean)).toHaveLength(20);
  });

  it('throws when Redis cannot answer (the guard then fails open or closed by route)', async () => {
    const { limiter: rl, redis } = await limiter({});
    redis.disconnect();
    await expect(rl.consume([{ rule: rl.rules.login, identity: 'ip:192.0.2.4' }])).rejects.toThrow();
  });
});
