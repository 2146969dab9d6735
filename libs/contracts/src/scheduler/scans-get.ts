import { z } from 'zod';
import { defineRequest } from '../contract';
import { ScanReportView } from './scan-schemas';

/** `scheduler.scans.get`: one report with its findings; unknown id → NOT_FOUND. */
export const SchedulerScansGet = defineRequest('scheduler.scans.get', z.object({ id: z.uuid({ error: 'must be a report id' }) }).strict(), ScanReportView);
