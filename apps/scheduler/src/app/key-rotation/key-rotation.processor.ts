import { Injectable } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { KeyRotationJobData } from '../queues';
import { RotationOutcome, KeyRotationService } from './key-rotation.service';

/** Runs `key-rotation` jobs (its worker options come from config: see SchedulerAppModule). */
@Injectable()
export class KeyRotationProcessor extends WorkerHost {
  constructor(private readonly rotation: KeyRotationService) {
    super();
  }

  process(job: Job<KeyRotationJobData>): Promise<RotationOutcome> {
    return this.rotation.rotateForPeriod(periodOf(job));
  }
}

/** A scheduled job's period is its scheduled time; a catch-up job names its own. */
export function periodOf(job: Job<KeyRotationJobData>): string {
  if (job.data.period) return job.data.period;
  const scheduledAt = job.opts.prevMillis ?? job.timestamp;
  return `scheduled:${new Date(scheduledAt).toISOString()}`;
}
