import { z } from 'zod';
import { defineRequest } from '../contract';
import { ScanReportSummary } from './scan-schemas';

/** `scheduler.scans.list`: reports, newest window first; `cursor` is the previous page's `nextCursor`. */
export const SchedulerScansList = defineRequest(
  'scheduler.scans.list',
  z
    .object({
      limit: z.number().int().min(1, { error: 'must be from 1 to 100' }).max(100, { error: 'must be from 1 to 100' }).default(20),
      cursor: z.string().regex(/^[1-9]\d{0,17}$/, { error: 'is not a cursor from a previous page' }).optional(),
    })
    .strict(),
  z.object({ items: z.array(ScanReportSummary), nextCursor: z.string().nullable() }),
);
