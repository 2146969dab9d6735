import { isIP } from 'node:net';
import { ScanCheck, ScanFindingView, ScanRule } from '@warden/contracts';

export interface ScanThresholds {
  failedLoginsPerIp: number;
  failedLoginsPerAccount: number;
  stuffingAccountsPerIp: number;
  permissionDenialsPerUser: number;
  decryptFailuresPerActor: number;
  rateLimitViolationsPerKey: number;
}

export interface CountBy {
  key: string | null;
  count: number;
}

/** What the three checks read from `audit.stats` for one window. */
export interface ScanEvidence {
  failedLoginsByIp: CountBy[];
  failedLoginsByAccount: CountBy[];
  /** Per IP: failed logins of known accounts, and how many distinct accounts they were. */
  accountsFailingByIp: Array<{ key: string | null; count: number; distinct: number }>;
  permissionDenialsByUser: CountBy[];
  decryptFailuresByActor: CountBy[];
  rateLimitViolationsByKey: CountBy[];
}

export type DraftFinding = Pick<ScanFindingView, 'check' | 'rule' | 'severity' | 'subjectType' | 'subject' | 'ip' | 'evidence'>;

/** A count this many times its threshold is high severity (what auto-ban acts on). */
export const HIGH_SEVERITY_FACTOR = 3;

/**
 * The seed's scan_login_attempts, scan_failed_operations and scan_rate_limit_violations over one
 * window's counts: a finding wherever a count reaches its threshold (medium; high from three times the
 * threshold), and credential stuffing — one IP failing against many distinct accounts — always high.
 */
export function evaluateScan(evidence: ScanEvidence, thresholds: ScanThresholds): DraftFinding[] {
  const findings: DraftFinding[] = [];
  const counted = (check: ScanCheck, rule: ScanRule, subjectType: DraftFinding['subjectType'], groups: CountBy[], threshold: number, ipOf: (key: string) => string | null) => {
    for (const { key, count } of groups) {
      if (key === null || key === '' || count < threshold) continue;
      findings.push({ check, rule, subjectType, subject: key, ip: ipOf(key), severity: count >= threshold * HIGH_SEVERITY_FACTOR ? 'high' : 'medium', evidence: { count, threshold } });
    }
  };
  const none = () => null;

  counted('login_attempts', 'failed_logins_per_ip', 'ip', evidence.failedLoginsByIp, thresholds.failedLoginsPerIp, (ip) => ip);
  counted('login_attempts', 'failed_logins_per_account', 'account', evidence.failedLoginsByAccount, thresholds.failedLoginsPerAccount, none);
  for (const { key: ip, count, distinct } of evidence.accountsFailingByIp) {
    if (!ip || distinct < thresholds.stuffingAccountsPerIp) continue;
    findings.push({
      check: 'login_attempts',
      rule: 'credential_stuffing',
      subjectType: 'ip',
      subject: ip,
      ip,
      severity: 'high',
      evidence: { count, threshold: thresholds.stuffingAccountsPerIp, distinctAccounts: distinct },
    });
  }

  counted('failed_operations', 'permission_denials_per_user', 'user', evidence.permissionDenialsByUser, thresholds.permissionDenialsPerUser, none);
  counted('failed_operations', 'decrypt_failures_per_actor', 'actor', evidence.decryptFailuresByActor, thresholds.decryptFailuresPerActor, none);
  // Rate-limit keys are `ip:<address>`, `ip:<IPv6 network>/<bits>` or `user:<id>` (see the gateway's rate
  // limiter). Only an address is an IP to ban: the blocklist holds addresses, not networks.
  counted('rate_limit_violations', 'rate_limit_violations_per_key', 'rate_limit_key', evidence.rateLimitViolationsByKey, thresholds.rateLimitViolationsPerKey, (key) =>
    key.startsWith('ip:') && isIP(key.slice(3)) !== 0 ? key.slice(3) : null,
  );
  return findings;
}

/** Findings per check, every check present (a clean check counts 0). */
export function countByCheck(findings: readonly DraftFinding[]): Record<ScanCheck, number> {
  const counts: Record<ScanCheck, number> = { login_attempts: 0, failed_operations: 0, rate_limit_violations: 0 };
  for (const finding of findings) counts[finding.check] += 1;
  return counts;
}
