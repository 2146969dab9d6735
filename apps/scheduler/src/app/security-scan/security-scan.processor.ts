import { Injectable, Logger } from '@nestjs/common';
import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { ScanReportSummary } from '@warden/contracts';
import { describeError } from '@warden/logging';
import { Job } from 'bullmq';
import { SecurityScanJobData } from '../queues';
import { SecurityScanService } from './security-scan.service';

/** Runs `security-scan` jobs (its worker options come from config: see SchedulerAppModule). */
@Injectable()
export class SecurityScanProcessor extends WorkerHost {
  private readonly logger = new Logger(SecurityScanProcessor.name);

  constructor(private readonly scans: SecurityScanService) {
    super();
  }

  async process(job: Job<SecurityScanJobData>): Promise<ScanReportSummary> {
    let reportId = job.data.reportId;
    if (!reportId) {
      // A scheduled run scans the window ending at its scheduled time, so every replica agrees on it.
      reportId = (await this.scans.reportFor(new Date(job.opts.prevMillis ?? job.timestamp), 'schedule')).id;
      await job.updateData({ ...job.data, reportId });
    }
    return this.scans.run(reportId);
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<SecurityScanJobData> | undefined, error: Error): Promise<void> {
    if (!job?.data.reportId) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn({ reportId: job.data.reportId, attempt: job.attemptsMade, final, ...describeError(error) }, final ? 'security scan failed for good' : 'security scan failed; will retry');
    if (final) await this.scans.markFailed(job.data.reportId, error.message);
  }
}
