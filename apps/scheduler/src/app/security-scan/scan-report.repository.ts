import { Injectable } from '@nestjs/common';
import { ScanFindingView, ScanReportSummary, ScanReportView } from '@warden/contracts';
import { sql } from '@warden/database';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DraftFinding } from './scan-rules';

export interface ScanWindow {
  from: Date;
  to: Date;
}

interface ReportRow {
  seq: string;
  id: string;
  window_from: Date;
  window_to: Date;
  trigger: ScanReportSummary['trigger'];
  requested_by: string | null;
  status: ScanReportSummary['status'];
  runs: number;
  counts: Record<string, number>;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  finding_count: string;
}

export interface StoredFinding extends ScanFindingView {
  reportId: string;
  notified: boolean;
}

interface FindingRow {
  id: string;
  report_id: string;
  check_name: ScanFindingView['check'];
  rule: ScanFindingView['rule'];
  severity: ScanFindingView['severity'];
  subject_type: ScanFindingView['subjectType'];
  subject: string;
  ip: string | null;
  evidence: ScanFindingView['evidence'];
  first_seen_at: Date;
  notified_at: Date | null;
  blocked_at: Date | null;
}

const REPORT_COLUMNS = `r.seq, r.id, r.window_from, r.window_to, r.trigger, r.requested_by, r.status, r.runs, r.counts, r.error, r.started_at, r.finished_at,
  (SELECT count(*) FROM scheduler.scan_findings f WHERE f.report_id = r.id) AS finding_count`;

const toSummary = (r: ReportRow): ScanReportSummary => ({
  id: r.id,
  status: r.status,
  trigger: r.trigger,
  window: { from: r.window_from.toISOString(), to: r.window_to.toISOString() },
  requestedBy: r.requested_by,
  startedAt: r.started_at?.toISOString() ?? null,
  finishedAt: r.finished_at?.toISOString() ?? null,
  runs: r.runs,
  counts: r.counts,
  findingCount: Number(r.finding_count),
  error: r.error,
});

const toFinding = (r: FindingRow): StoredFinding => ({
  id: r.id,
  reportId: r.report_id,
  check: r.check_name,
  rule: r.rule,
  severity: r.severity,
  subjectType: r.subject_type,
  subject: r.subject,
  ip: r.ip,
  evidence: r.evidence,
  blocked: r.blocked_at !== null,
  firstSeenAt: r.first_seen_at.toISOString(),
  notified: r.notified_at !== null,
});

/** A UUID derived from its parts: the same finding (or event) of a report always gets the same id. */
export function derivedUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** Scan reports (one per window) and their findings (one per report, rule and subject). */
@Injectable()
export class ScanReportRepository {
  constructor(private readonly db: DataSource) {}

  /** The window's report, created (queued) on first use; an existing one is returned as it is. */
  async ensure(window: ScanWindow, trigger: ScanReportSummary['trigger'], requestedBy: string | null): Promise<ScanReportSummary> {
    const { rows } = await sql<{ id: string }>(
      this.db,
      `INSERT INTO scheduler.scan_reports (id, window_from, window_to, trigger, requested_by, status)
       VALUES ($1, $2, $3, $4, $5, 'queued')
       ON CONFLICT (window_from, window_to) DO UPDATE SET requested_by = COALESCE(EXCLUDED.requested_by, scan_reports.requested_by)
       RETURNING id`,
      [randomUUID(), window.from, window.to, trigger, requestedBy],
    );
    return (await this.summary(rows[0]!.id))!;
  }

  /** A finished (or failed) report asked for again goes back to queued until its new run starts. */
  async requeue(id: string): Promise<ScanReportSummary> {
    await sql(this.db, `UPDATE scheduler.scan_reports SET status = 'queued' WHERE id = $1 AND status IN ('completed', 'failed')`, [id]);
    return (await this.summary(id))!;
  }

  async summary(id: string): Promise<ScanReportSummary | null> {
    const { rows } = await sql<ReportRow>(this.db, `SELECT ${REPORT_COLUMNS} FROM scheduler.scan_reports r WHERE r.id = $1`, [id]);
    return rows[0] ? toSummary(rows[0]) : null;
  }

  async get(id: string): Promise<ScanReportView | null> {
    const summary = await this.summary(id);
    if (!summary) return null;
    const findings = (await this.findings(id)).map(({ reportId: _r, notified: _n, ...view }) => view);
    return { ...summary, findings };
  }

  async list(limit: number, cursor: string | undefined): Promise<{ items: ScanReportSummary[]; nextCursor: string | null }> {
    const { rows } = await sql<ReportRow>(
      this.db,
      `SELECT ${REPORT_COLUMNS} FROM scheduler.scan_reports r WHERE ($1::bigint IS NULL OR r.seq < $1::bigint) ORDER BY r.seq DESC LIMIT $2`,
      [cursor ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { items: page.map(toSummary), nextCursor: rows.length > limit ? page[page.length - 1]!.seq : null };
  }

  /** Marks a run as started and returns the window it covers. */
  async start(id: string, now: Date): Promise<ScanWindow> {
    const { rows } = await sql<{ window_from: Date; window_to: Date }>(
      this.db,
      `UPDATE scheduler.scan_reports SET status = 'running', runs = runs + 1, started_at = $2, error = NULL WHERE id = $1 RETURNING window_from, window_to`,
      [id, now],
    );
    if (!rows[0]) throw new Error(`scan report ${id} does not exist`);
    return { from: rows[0].window_from, to: rows[0].window_to };
  }

  /** Stores the run's findings: new ones are added, known ones updated (never duplicated). */
  async saveFindings(reportId: string, drafts: readonly DraftFinding[]): Promise<StoredFinding[]> {
    await this.db.transaction(async (tx) => {
      for (const d of drafts) {
        await sql(
          tx,
          `INSERT INTO scheduler.scan_findings (id, report_id, check_name, rule, severity, subject_type, subject, ip, evidence)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (report_id, rule, subject) DO UPDATE SET severity = EXCLUDED.severity, evidence = EXCLUDED.evidence, ip = EXCLUDED.ip`,
          [derivedUuid(reportId, d.rule, d.subject), reportId, d.check, d.rule, d.severity, d.subjectType, d.subject, d.ip, JSON.stringify(d.evidence)],
        );
      }
    });
    return this.findings(reportId);
  }

  async findings(reportId: string): Promise<StoredFinding[]> {
    const { rows } = await sql<FindingRow>(this.db, 'SELECT * FROM scheduler.scan_findings WHERE report_id = $1 ORDER BY severity, rule, subject', [reportId]);
    return rows.map(toFinding);
  }

  async markNotified(findingId: string, now: Date): Promise<void> {
    await sql(this.db, 'UPDATE scheduler.scan_findings SET notified_at = $2 WHERE id = $1 AND notified_at IS NULL', [findingId, now]);
  }

  async markBlocked(findingId: string, now: Date): Promise<void> {
    await sql(this.db, 'UPDATE scheduler.scan_findings SET blocked_at = $2 WHERE id = $1 AND blocked_at IS NULL', [findingId, now]);
  }

  async complete(id: string, counts: Record<string, number>, now: Date): Promise<void> {
    await sql(this.db, `UPDATE scheduler.scan_reports SET status = 'completed', counts = $2, finished_at = $3, error = NULL WHERE id = $1`, [id, JSON.stringify(counts), now]);
  }

  async fail(id: string, error: string, now: Date): Promise<void> {
    await sql(this.db, `UPDATE scheduler.scan_reports SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1 AND status <> 'completed'`, [id, error.slice(0, 300), now]);
  }

  /**
   * The end of the newest full window a scheduled (or catch-up) scan has completed, or null. Manual scans
   * do not count: their window ends whenever someone asked.
   */
  async lastCompletedWindowEnd(): Promise<Date | null> {
    const { rows } = await sql<{ window_to: Date }>(
      this.db,
      `SELECT window_to FROM scheduler.scan_reports WHERE status = 'completed' AND trigger IN ('schedule', 'catch-up') ORDER BY window_to DESC LIMIT 1`,
    );
    return rows[0]?.window_to ?? null;
  }
}
