import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import { REDIS_CLIENT } from '@warden/redis';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { FIXED_WINDOW_LUA, GCRA_LUA } from './rate-limit-scripts';
import { parseRule, RateLimitRule } from './rate-limit-rules';

export interface RateLimitDecision {
  rule: RateLimitRule;
  allowed: boolean;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
  firstViolation: boolean;
}

type ScriptReply = [number, number, number, number, number];
type LimiterRedis = Redis & {
  wardenFixedWindow(key: string, limit: number, windowMs: number): Promise<ScriptReply>;
  wardenGcra(key: string, violationKey: string, limit: number, periodMs: number): Promise<ScriptReply>;
};

export const rateLimitDecisions = new Counter({
  name: 'warden_rate_limit_decisions_total',
  help: 'Rate-limit decisions by rule and outcome (allowed, limited, redis_error_open, redis_error_closed).',
  labelNames: ['rule', 'outcome'] as const,
});

/** One atomic Redis script per decision (EVALSHA, loaded once), shared by every gateway replica. */
@Injectable()
export class RateLimiter {
  readonly rules: Record<RateLimitRule['name'], RateLimitRule>;
  private readonly redis: LimiterRedis;

  constructor(@Inject(REDIS_CLIENT) redis: Redis, config: AppConfig<typeof gatewayConfig.shape>) {
    redis.defineCommand('wardenFixedWindow', { numberOfKeys: 1, lua: FIXED_WINDOW_LUA });
    redis.defineCommand('wardenGcra', { numberOfKeys: 2, lua: GCRA_LUA });
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
  }

  /** Counts one request against `rule` for `identity`. Throws when Redis cannot answer. */
  async consume(rule: RateLimitRule, identity: string): Promise<RateLimitDecision> {
    const key = `rl:${rule.name}:${identity}`;
    const [allowed, remaining, resetMs, retryAfterMs, firstViolation] =
      rule.algorithm === 'fixed'
        ? await this.redis.wardenFixedWindow(key, rule.limit, rule.windowMs)
        : await this.redis.wardenGcra(key, `${key}:violated`, rule.limit, rule.windowMs);
    return { rule, allowed: allowed === 1, remaining, resetMs, retryAfterMs, firstViolation: firstViolation === 1 };
  }
}
