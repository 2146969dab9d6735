import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import { REDIS_CLIENT } from '@warden/redis';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { RATE_LIMIT_LUA } from './rate-limit-scripts';
import { rateLimitedNetwork } from './client-network';
import { parseRule, RateLimitRule } from './rate-limit-rules';

export interface RateLimitDecision {
  rule: RateLimitRule;
  allowed: boolean;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
  firstViolation: boolean;
}

type LimiterRedis = Redis & {
  wardenRateLimit(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
};

/** One rule to apply to one identity (an IP or a user). */
export interface RateLimitCheck {
  rule: RateLimitRule;
  identity: string;
}

export const rateLimitDecisions = new Counter({
  name: 'warden_rate_limit_decisions_total',
  help: 'Rate-limit decisions by rule and outcome (allowed, limited, redis_error_open, redis_error_closed).',
  labelNames: ['rule', 'outcome'] as const,
});

/** A request's decisions in one atomic Redis script (EVALSHA, loaded once), shared by every gateway replica. */
@Injectable()
export class RateLimiter {
  readonly rules: Record<RateLimitRule['name'], RateLimitRule>;
  private readonly redis: LimiterRedis;
  private readonly ipv6PrefixBits: number;

  constructor(@Inject(REDIS_CLIENT) redis: Redis, config: AppConfig<typeof gatewayConfig.shape>) {
    redis.defineCommand('wardenRateLimit', { lua: RATE_LIMIT_LUA });
    this.redis = redis as LimiterRedis;
    const rule = (name: RateLimitRule['name'], text: string) => {
      const parsed = parseRule(name, text);
      if (!parsed) throw new Error(`invalid rate-limit rule for ${name}: ${text}`);
      return parsed;
    };
    this.rules = {
      login: rule('login', config.get('RATE_LIMIT_LOGIN')),
      anonymous: rule('anonymous', config.get('RATE_LIMIT_ANONYMOUS')),
      authenticated: rule('authenticated', config.get('RATE_LIMIT_AUTHENTICATED')),
      'global-ip': rule('global-ip', config.get('RATE_LIMIT_GLOBAL_IP')),
    };
    this.ipv6PrefixBits = config.get('RATE_LIMIT_IPV6_PREFIX');
  }

  /** The identity per-IP rules count a client address as: `ip:<IPv4 address>` or `ip:<IPv6 network>/<bits>`. */
  ipIdentity(ip: string): string {
    return `ip:${rateLimitedNetwork(ip, this.ipv6PrefixBits)}`;
  }

  /** Counts one request against each check's rule for its identity, in one round trip. Throws when Redis cannot answer. */
  async consume(checks: readonly RateLimitCheck[]): Promise<RateLimitDecision[]> {
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const { rule, identity } of checks) {
      const key = `rl:${rule.name}:${identity}`;
      keys.push(key, `${key}:violated`);
      args.push(rule.algorithm, rule.limit, rule.windowMs);
    }
    const reply = await this.redis.wardenRateLimit(keys.length, ...keys, ...args);
    return checks.map(({ rule }, i) => {
      const [allowed, remaining, resetMs, retryAfterMs, firstViolation] = reply.slice(i * 5, i * 5 + 5) as [number, number, number, number, number];
      return { rule, allowed: allowed === 1, remaining, resetMs, retryAfterMs, firstViolation: firstViolation === 1 };
    });
  }
}
