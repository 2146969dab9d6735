import { z } from 'zod';
import { ActorId } from '../authz/authz-schemas';
import { defineRequest } from '../contract';
import { ScanStatus } from './scan-schemas';

/** The longest window one scan may cover. */
export const MAX_SCAN_WINDOW_MS = 31 * 86_400_000;

/**
 * `scheduler.scans.run`: queues a security scan over [from, to) — default the SECURITY_SCAN_WINDOW
 * ending now. A window has one report: asking again re-runs it, updating its findings, never duplicating them.
 */
export const SchedulerScansRun = defineRequest(
  'scheduler.scans.run',
  z
    .object({
      actorId: ActorId,
      from: z.iso.datetime({ error: 'must be an ISO-8601 UTC time' }).optional(),
      to: z.iso.datetime({ error: 'must be an ISO-8601 UTC time' }).optional(),
    })
    .strict()
    .refine((r) => (r.from === undefined) === (r.to === undefined), { error: 'give both from and to, or neither', path: ['from'] })
    .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) < Date.parse(r.to), { error: 'must be before to', path: ['from'] })
    .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.to) - Date.parse(r.from) <= MAX_SCAN_WINDOW_MS, {
      error: 'the window may span at most 31 days',
      path: ['from'],
    }),
  z.object({ reportId: z.uuid(), status: ScanStatus, window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }) }),
);
