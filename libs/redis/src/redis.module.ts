import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/** DI token of the process's Redis client (keys are prefixed with REDIS_KEY_PREFIX). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

export interface RedisSettings {
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
}

/**
 * A client that keeps reconnecting when Redis goes away and fails commands fast while it is away
 * (callers decide whether to fail open or closed), instead of queueing them without bound.
 */
export function createRedisClient(settings: RedisSettings, connectionName: string): Redis {
  return new Redis(settings.REDIS_URL, {
    keyPrefix: settings.REDIS_KEY_PREFIX,
    connectionName,
    lazyConnect: false,
    // Commands issued in the same tick (by concurrent requests) share one write: measurably faster under load.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(service: string, settings: RedisSettings): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS_CLIENT, useFactory: () => createRedisClient(settings, `warden-${service}`) }, RedisCloser],
      exports: [REDIS_CLIENT],
    };
  }
}
