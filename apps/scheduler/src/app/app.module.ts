import { BullModule, Processor } from '@nestjs/bullmq';
import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig, SchedulerConfig } from '@warden/config';
import { REDIS_CLIENT, RedisModule } from '@warden/redis';
import { HealthRegistry, ServiceHostModule } from '@warden/service-host';
import { ConnectionOptions } from 'bullmq';
import Redis from 'ioredis';
import { SCHEDULER_MIGRATIONS } from '../migrations';
import { IpBlocksService } from './blocklist/ip-blocks.service';
import { KeyRotationProcessor } from './key-rotation/key-rotation.processor';
import { KeyRotationService } from './key-rotation/key-rotation.service';
import { RotationPeriodRepository } from './key-rotation/rotation-period.repository';
import { KEY_ROTATION_QUEUE, SECURITY_SCAN_QUEUE } from './queues';
import { SchedulerHandler } from './scheduler.handler';
import { ScheduleKeeper } from './schedules/schedule-keeper.service';
import { ScanReportRepository } from './security-scan/scan-report.repository';
import { SecurityScanProcessor } from './security-scan/security-scan.processor';
import { SecurityScanService } from './security-scan/security-scan.service';

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

/**
 * BullMQ's own connections (it opens a blocking one per worker): no ioredis key prefix — BullMQ refuses
 * one and takes `prefix` instead — and no retry limit per command, as BullMQ requires of workers.
 */
function bullConnection(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, connectionName: 'warden-scheduler-bullmq', maxRetriesPerRequest: null };
}

@Module({})
export class SchedulerAppModule {
  static register(config: SchedulerConfig, appConfig: AppConfig): DynamicModule {
    // Worker settings come from validated config, so the processors are decorated here, not in their files.
    // A worker that stops renewing its job's lock for SCHEDULER_JOB_LOCK_MS is presumed dead and the job
    // runs again elsewhere (stalled-job recovery); jobs are idempotent, so the outcome is as if it ran once.
    const workerOptions = { concurrency: 1, lockDuration: config.SCHEDULER_JOB_LOCK_MS, stalledInterval: config.SCHEDULER_JOB_LOCK_MS, maxStalledCount: 3 };
    Processor(KEY_ROTATION_QUEUE, workerOptions)(KeyRotationProcessor);
    Processor(SECURITY_SCAN_QUEUE, workerOptions)(SecurityScanProcessor);
    return {
      module: SchedulerAppModule,
      imports: [
        ServiceHostModule.forService({ service: 'scheduler', config, appConfig, database: schedulerDatabase }),
        RedisModule.forRoot('scheduler', config),
        BullModule.forRoot({ connection: bullConnection(config.REDIS_URL), prefix: `${config.REDIS_KEY_PREFIX}bull` }),
        BullModule.registerQueue({ name: KEY_ROTATION_QUEUE }, { name: SECURITY_SCAN_QUEUE }),
      ],
      controllers: [SchedulerHandler],
      providers: [
        RedisHealthCheck,
        RotationPeriodRepository,
        KeyRotationService,
        KeyRotationProcessor,
        ScanReportRepository,
        IpBlocksService,
        SecurityScanService,
        SecurityScanProcessor,
        ScheduleKeeper,
      ],
    };
  }
}
