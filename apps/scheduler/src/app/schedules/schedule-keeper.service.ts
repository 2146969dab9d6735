import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, schedulerConfig } from '@warden/config';
import { REDIS_CLIENT } from '@warden/redis';
import Redis from 'ioredis';
import { describeError } from '@warden/logging';
import { Clock, HealthRegistry } from '@warden/service-host';
import { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { KeyRotationService } from '../key-rotation/key-rotation.service';
import { KEY_ROTATION_QUEUE, KEY_ROTATION_SCHEDULE, RETRYING_JOB, SECURITY_SCAN_QUEUE, SECURITY_SCAN_SCHEDULE } from '../queues';
import { ScanReportRepository } from '../security-scan/scan-report.repository';
import { SecurityScanService } from '../security-scan/security-scan.service';

const RETRY_MS = 5_000;
/** Job schedulers live in Redis: a Redis that lost its data (no persistence, failover) gets them back this often. */
const REREGISTER_EVERY_MS = 60_000;

/**
 * Registers the two job schedulers (upsert: any number of replicas keep one schedule each), then
 * catches up on what was missed while no scheduler ran: a key older than the interval is rotated now,
 * and the window of the latest scheduled scan is scanned now if no scan has completed it. Both retry
 * until their dependencies answer; the service is not ready before the schedules are registered.
 */
@Injectable()
export class ScheduleKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleKeeper.name);
  private registered = false;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private reregisterTimer: NodeJS.Timeout | undefined;
  private readonly cron: string;

  constructor(
    @InjectQueue(KEY_ROTATION_QUEUE) private readonly rotationQueue: Queue,
    @InjectQueue(SECURITY_SCAN_QUEUE) private readonly scanQueue: Queue,
    private readonly rotation: KeyRotationService,
    private readonly scans: SecurityScanService,
    private readonly reports: ScanReportRepository,
    private readonly clock: Clock,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    health: HealthRegistry,
    config: AppConfig<typeof schedulerConfig.shape>,
  ) {
    this.cron = config.get('SECURITY_SCAN_CRON');
    health.register('schedules', async () => {
      if (!this.registered) throw new Error('job schedulers not registered yet');
    });
  }

  onApplicationBootstrap(): void {
    // Upserting is idempotent: re-registering after Redis comes back (or every minute) never moves a schedule.
    this.redis.on('ready', () => {
      if (this.registered) void this.register().catch(() => undefined);
    });
    this.reregisterTimer = setInterval(() => void this.register().catch(() => undefined), REREGISTER_EVERY_MS).unref();
    void this.attempt('register the job schedulers', () => this.register())
      .then(() => this.attempt('catch up on key rotation', () => this.catchUpRotation()))
      .then(() => this.attempt('catch up on the security scan', () => this.catchUpScan()));
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.reregisterTimer);
  }

  private async register(): Promise<void> {
    await this.rotationQueue.upsertJobScheduler(KEY_ROTATION_SCHEDULE, { every: this.rotation.intervalMs }, { name: 'rotate', data: {}, opts: RETRYING_JOB });
    await this.scanQueue.upsertJobScheduler(SECURITY_SCAN_SCHEDULE, { pattern: this.cron, tz: 'UTC' }, { name: 'scan', data: {}, opts: RETRYING_JOB });
    if (this.registered) return;
    this.registered = true;
    this.logger.log(`job schedulers registered: key rotation every ${this.rotation.intervalMs / 1000} s, security scan at "${this.cron}" UTC`);
  }

  private async catchUpRotation(): Promise<void> {
    const active = await this.rotation.activeKey();
    if (!active) throw new Error('crypto reports no active key');
    const ageMs = this.clock.now().getTime() - active.createdAt.getTime();
    if (ageMs < this.rotation.intervalMs) return;
    // One job per overdue version, whichever replica adds it first.
    const id = `catch-up-from-v${active.version}`;
    await this.rotationQueue.add('rotate', { period: id }, { ...RETRYING_JOB, jobId: id });
    this.logger.warn(`key version ${active.version} is ${Math.round(ageMs / 86_400_000)} day(s) old, past the rotation interval: rotating now`);
  }

  private async catchUpScan(): Promise<void> {
    const now = this.clock.now();
    const latestScheduled = CronExpressionParser.parse(this.cron, { tz: 'UTC', currentDate: now }).prev().toDate();
    const lastCompleted = await this.reports.lastCompletedWindowEnd();
    if (lastCompleted && lastCompleted.getTime() >= latestScheduled.getTime()) return;
    const report = await this.scans.reportFor(latestScheduled, 'catch-up');
    await this.scanQueue.add('scan', { reportId: report.id }, { ...RETRYING_JOB, jobId: `catch-up-${report.id}` });
    this.logger.warn(`no security scan has completed the window ending ${latestScheduled.toISOString()}: scanning it now`);
  }

  /** Runs `step` until it succeeds or the service stops. */
  private async attempt(what: string, step: () => Promise<void>): Promise<void> {
    while (!this.stopping) {
      try {
        await step();
        return;
      } catch (error) {
        this.logger.warn({ ...describeError(error) }, `could not ${what}; retrying in ${RETRY_MS / 1000} s`);
        await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, RETRY_MS)));
      }
    }
  }
}
