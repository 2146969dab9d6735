import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig, SchedulerConfig } from '@warden/config';
import { REDIS_CLIENT, RedisModule } from '@warden/redis';
import { HealthRegistry, ServiceHostModule } from '@warden/service-host';
import Redis from 'ioredis';
import { SCHEDULER_MIGRATIONS } from '../migrations';

/** Tables and migrations of the scheduler schema. */
export const schedulerDatabase = { entities: [], migrations: SCHEDULER_MIGRATIONS };

/** The scheduler's queues live in Redis: it is not ready without it. */
@Injectable()
class RedisHealthCheck implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    this.registry.register('redis', async () => {
      await this.redis.ping();
    });
  }
}

@Module({})
export class SchedulerAppModule {
  static register(config: SchedulerConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: SchedulerAppModule,
      imports: [
        ServiceHostModule.forService({ service: 'scheduler', config, appConfig, database: schedulerDatabase }),
        RedisModule.forRoot('scheduler', config),
      ],
      providers: [RedisHealthCheck],
    };
  }
}
