/** BullMQ queues of the scheduler, and the ids of their job schedulers (one schedule, however many replicas). */
export const KEY_ROTATION_QUEUE = 'key-rotation';
export const SECURITY_SCAN_QUEUE = 'security-scan';
export const KEY_ROTATION_SCHEDULE = 'rotate-encryption-keys';
export const SECURITY_SCAN_SCHEDULE = 'daily-security-scan';

export interface KeyRotationJobData {
  /** Set on catch-up jobs; scheduled jobs take their period from their scheduled time. */
  period?: string;
}

export interface SecurityScanJobData {
  /** Set on manual and catch-up runs; scheduled runs scan the window ending at their scheduled time. */
  reportId?: string;
}

/** Failed jobs retry with exponential backoff: 5 s, 10 s, 20 s … for about an hour in all. */
export const RETRYING_JOB = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 200 },
  removeOnFail: { count: 500 },
} as const;
