import { Injectable, Logger } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { AppConfig, schedulerConfig } from '@warden/config';
import { AuditStats, RequestOf, ScanReportSummary } from '@warden/contracts';
import { NatsRpcClient } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { IpBlocksService } from '../blocklist/ip-blocks.service';
import { SCHEDULER_ACTOR } from '../key-rotation/key-rotation.service';
import { derivedUuid, ScanReportRepository, ScanWindow, StoredFinding } from './scan-report.repository';
import { countByCheck, evaluateScan, ScanEvidence, ScanThresholds } from './scan-rules';

/** audit.stats over a large window can take a while; a scan is a background job, so it may wait. */
const STATS_TIMEOUT_MS = 60_000;

/**
 * The seed's security_scan: counts from the audit service (`audit.stats`, never its tables), findings
 * stored with the window's report, SECURITY_SUSPICIOUS_ACTIVITY per finding and, with SCAN_AUTOBAN,
 * high-severity IPs blocked at the gateway. Every step can run again (a retried or stalled job) without
 * duplicating a finding, an event or a block: ids are derived from the report and the finding.
 */
@Injectable()
export class SecurityScanService {
  private readonly logger = new Logger(SecurityScanService.name);
  private readonly thresholds: ScanThresholds;
  private readonly autoban: boolean;
  private readonly autobanTtlMs: number;
  readonly windowMs: number;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly reports: ScanReportRepository,
    private readonly blocks: IpBlocksService,
    private readonly audit: AuditClient,
    private readonly clock: Clock,
    config: AppConfig<typeof schedulerConfig.shape>,
  ) {
    this.thresholds = {
      failedLoginsPerIp: config.get('SCAN_FAILED_LOGINS_PER_IP'),
      failedLoginsPerAccount: config.get('SCAN_FAILED_LOGINS_PER_ACCOUNT'),
      stuffingAccountsPerIp: config.get('SCAN_STUFFING_ACCOUNTS_PER_IP'),
      permissionDenialsPerUser: config.get('SCAN_PERMISSION_DENIALS_PER_USER'),
      decryptFailuresPerActor: config.get('SCAN_DECRYPT_FAILURES_PER_ACTOR'),
      rateLimitViolationsPerKey: config.get('SCAN_RATE_LIMIT_VIOLATIONS_PER_KEY'),
    };
    this.autoban = config.get('SCAN_AUTOBAN');
    this.autobanTtlMs = config.get('SCAN_AUTOBAN_TTL') * 1000;
    this.windowMs = config.get('SECURITY_SCAN_WINDOW') * 1000;
  }

  /** The report of the window ending at `to` (SECURITY_SCAN_WINDOW long), created if new. */
  reportFor(to: Date, trigger: ScanReportSummary['trigger'], requestedBy: string | null = null): Promise<ScanReportSummary> {
    return this.reports.ensure({ from: new Date(to.getTime() - this.windowMs), to }, trigger, requestedBy);
  }

  async run(reportId: string): Promise<ScanReportSummary> {
    const startedAt = this.clock.now();
    const window = await this.reports.start(reportId, startedAt);
    const evidence = await this.gather(window);
    const drafts = evaluateScan(evidence, this.thresholds);
    const findings = await this.reports.saveFindings(reportId, drafts);
    for (const finding of findings) await this.respond(finding, window);
    const counts = countByCheck(drafts);
    await this.reports.complete(reportId, counts, this.clock.now());
    const report = (await this.reports.summary(reportId))!;
    await this.audit.logSecurityEvent(
      'SCAN_COMPLETED',
      SCHEDULER_ACTOR,
      { reportId, window: report.window, trigger: report.trigger, requestedBy: report.requestedBy, counts, findings: findings.length, run: report.runs },
      { eventId: derivedUuid(reportId, 'completed', String(report.runs)) },
    );
    this.logger.log(`security scan ${reportId} over ${report.window.from} – ${report.window.to}: ${findings.length} finding(s) in ${this.clock.now().getTime() - startedAt.getTime()} ms`);
    return report;
  }

  async markFailed(reportId: string, error: string): Promise<void> {
    await this.reports.fail(reportId, error, this.clock.now());
  }

  /**
   * Six grouped counts, asked at once; each only over its threshold, so an answer stays small however
   * many quiet subjects the window has.
   */
  private async gather(window: ScanWindow): Promise<ScanEvidence> {
    const stats = async (request: Omit<RequestOf<typeof AuditStats>, 'from' | 'to'>) => {
      const reply = await this.rpc.request(AuditStats, { from: window.from.toISOString(), to: window.to.toISOString(), ...request }, { timeoutMs: STATS_TIMEOUT_MS });
      if (reply.truncated) this.logger.warn(`audit.stats ${request.action} by ${request.groupBy}: more than ${reply.groups.length} subjects over the threshold; the largest are reported`);
      return reply.groups;
    };
    const t = this.thresholds;
    const [byIp, byAccount, stuffing, denials, decryptFailures, violations] = await Promise.all([
      stats({ groupBy: 'ip', action: 'SECURITY_LOGIN_FAILED', minCount: t.failedLoginsPerIp }),
      stats({ groupBy: 'actor', action: 'SECURITY_LOGIN_FAILED', minCount: t.failedLoginsPerAccount }),
      stats({ groupBy: 'ip', distinct: 'actor', action: 'SECURITY_LOGIN_FAILED', minCount: t.stuffingAccountsPerIp }),
      stats({ groupBy: 'actor', action: 'SECURITY_PERMISSION_DENIED', minCount: t.permissionDenialsPerUser }),
      stats({ groupBy: 'actor', action: 'SECURITY_DECRYPT_FAILED', minCount: t.decryptFailuresPerActor }),
      stats({ groupBy: 'detail', detailKey: 'key', action: 'SECURITY_RATE_LIMIT_EXCEEDED', minCount: t.rateLimitViolationsPerKey }),
    ]);
    return {
      failedLoginsByIp: byIp,
      failedLoginsByAccount: byAccount,
      accountsFailingByIp: stuffing.map((g) => ({ key: g.key, count: g.count, distinct: g.distinct ?? 0 })),
      permissionDenialsByUser: denials,
      decryptFailuresByActor: decryptFailures,
      rateLimitViolationsByKey: violations,
    };
  }

  /** One SECURITY_SUSPICIOUS_ACTIVITY per finding, and the auto-ban of high-severity IPs. */
  private async respond(finding: StoredFinding, window: ScanWindow): Promise<void> {
    if (!finding.notified) {
      await this.audit.logSecurityEvent(
        'SUSPICIOUS_ACTIVITY',
        SCHEDULER_ACTOR,
        {
          reportId: finding.reportId,
          findingId: finding.id,
          check: finding.check,
          rule: finding.rule,
          severity: finding.severity,
          subjectType: finding.subjectType,
          subject: finding.subject,
          evidence: finding.evidence,
          window: { from: window.from.toISOString(), to: window.to.toISOString() },
        },
        { ip: finding.ip, eventId: derivedUuid(finding.id, 'suspicious') },
      );
      await this.reports.markNotified(finding.id, this.clock.now());
    }
    if (this.autoban && finding.severity === 'high' && finding.ip && !finding.blocked) {
      const now = this.clock.now();
      await this.blocks.block(
        { ip: finding.ip, reason: `${finding.rule}: ${finding.evidence.count} in the scan window`, blockedAt: now, expiresAt: new Date(now.getTime() + this.autobanTtlMs), reportId: finding.reportId, findingId: finding.id },
        SCHEDULER_ACTOR,
        derivedUuid(finding.id, 'blocked'),
      );
      await this.reports.markBlocked(finding.id, now);
    }
  }
}
