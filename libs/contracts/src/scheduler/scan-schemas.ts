import { z } from 'zod';

export const SCAN_CHECKS = ['login_attempts', 'failed_operations', 'rate_limit_violations'] as const;
export type ScanCheck = (typeof SCAN_CHECKS)[number];

/** What each finding is about; the rule names the threshold it crossed. */
export const SCAN_RULES = [
  'failed_logins_per_ip',
  'failed_logins_per_account',
  'credential_stuffing',
  'permission_denials_per_user',
  'decrypt_failures_per_actor',
  'rate_limit_violations_per_key',
] as const;
export type ScanRule = (typeof SCAN_RULES)[number];

export const ScanFindingView = z.object({
  id: z.uuid(),
  check: z.enum(SCAN_CHECKS),
  rule: z.enum(SCAN_RULES),
  severity: z.enum(['medium', 'high']),
  subjectType: z.enum(['ip', 'account', 'user', 'actor', 'rate_limit_key']),
  subject: z.string(),
  /** The IP the finding is about, when there is one (what auto-ban would block). */
  ip: z.string().nullable(),
  evidence: z.object({ count: z.number().int(), threshold: z.number().int(), distinctAccounts: z.number().int().optional() }),
  blocked: z.boolean(),
  firstSeenAt: z.iso.datetime(),
});
export type ScanFindingView = z.infer<typeof ScanFindingView>;

export const ScanStatus = z.enum(['queued', 'running', 'completed', 'failed']);
export type ScanStatus = z.infer<typeof ScanStatus>;

export const ScanReportSummary = z.object({
  id: z.uuid(),
  status: ScanStatus,
  trigger: z.enum(['schedule', 'catch-up', 'manual']),
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  requestedBy: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  runs: z.number().int(),
  /** Findings per check. */
  counts: z.record(z.string(), z.number().int()),
  findingCount: z.number().int(),
  error: z.string().nullable(),
});
export type ScanReportSummary = z.infer<typeof ScanReportSummary>;

export const ScanReportView = ScanReportSummary.extend({ findings: z.array(ScanFindingView) });
export type ScanReportView = z.infer<typeof ScanReportView>;

export const BlockedIpView = z.object({
  ip: z.string(),
  reason: z.string(),
  blockedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  reportId: z.uuid().nullable(),
  findingId: z.uuid().nullable(),
});
export type BlockedIpView = z.infer<typeof BlockedIpView>;
