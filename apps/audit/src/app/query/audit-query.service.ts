import { Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { AuditQuery, AuditStats, ErrorCode, ReplyOf, ValidRequestOf } from '@warden/contracts';
import { sql } from '@warden/database';
import { rpcError } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { DataSource } from 'typeorm';
import { toStoredRow } from '../chain/audit-log.repository';

const AUDIT_READ_EVERY_MS = 60_000;

/** Searching the log (newest first, cursor by sequence) and counting it for the security scan. */
@Injectable()
export class AuditQueryService {
  private readonly lastReadAudit = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditClient,
    private readonly clock: Clock,
  ) {}

  async query(request: ValidRequestOf<typeof AuditQuery>): Promise<ReplyOf<typeof AuditQuery>> {
    if (request.from && request.to && Date.parse(request.from) > Date.parse(request.to)) throw rpcError(ErrorCode.BAD_REQUEST, 'from is after to', ['from: is after to']);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (request.action) add('action = ?', request.action);
    if (request.actorId) add('actor_id = ?', request.actorId);
    if (request.from) add('occurred_at >= ?', request.from);
    if (request.to) add('occurred_at <= ?', request.to);
    if (request.cursor) add('seq < ?', request.cursor);
    params.push(request.limit + 1);
    const { rows } = await sql<Parameters<typeof toStoredRow>[0]>(
      this.db,
      `SELECT * FROM audit.events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, request.limit).map(toStoredRow);
    await this.auditRead(request.readerId, request);
    return {
      items: page.map((r) => ({ seq: r.seq, id: r.id, action: r.action, actorId: r.actorId, details: r.details, occurredAt: r.occurredAt, source: r.source, requestId: r.requestId, ip: r.ip, hash: r.hash.toString('hex') })),
      nextCursor: rows.length > request.limit ? String(page[page.length - 1]!.seq) : null,
    };
  }

  async stats(request: ValidRequestOf<typeof AuditStats>): Promise<ReplyOf<typeof AuditStats>> {
    const params: unknown[] = [request.from, request.to];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['occurred_at >= $1', 'occurred_at < $2'];
    if (request.action) where.push(`action = ${param(request.action)}`);
    if (request.distinct) where.push('actor_id IS NOT NULL');
    const key =
      request.groupBy === 'detail'
        ? `details->>(${param(request.detailKey)}::text)`
        : { action: 'action', actor: 'actor_id', ip: 'ip', actor_ip: 'actor_id' }[request.groupBy];
    const columns = [`${key} AS key`, ...(request.groupBy === 'actor_ip' ? ['ip AS secondary'] : []), 'count(*) AS count', ...(request.distinct ? ['count(DISTINCT actor_id) AS distinct_count'] : [])];
    const measured = request.distinct ? 'count(DISTINCT actor_id)' : 'count(*)';
    const having = request.minCount !== undefined ? ` HAVING ${measured} >= ${param(request.minCount)}` : '';
    const { rows } = await sql<{ key: string | null; secondary?: string | null; count: string; distinct_count?: string }>(
      this.db,
      `SELECT ${columns.join(', ')} FROM audit.events WHERE ${where.join(' AND ')} GROUP BY ${request.groupBy === 'actor_ip' ? '1, 2' : '1'}${having}
       ORDER BY ${measured} DESC LIMIT ${param(request.limit + 1)}`,
      params,
    );
    return {
      groups: rows.slice(0, request.limit).map((r) => ({
        key: r.key,
        ...(request.groupBy === 'actor_ip' ? { secondary: r.secondary ?? null } : {}),
        count: Number(r.count),
        ...(request.distinct ? { distinct: Number(r.distinct_count) } : {}),
      })),
      truncated: rows.length > request.limit,
    };
  }

  /** Reading the audit log is itself audited, at most once per reader per minute (per replica). */
  private async auditRead(readerId: string, request: ValidRequestOf<typeof AuditQuery>): Promise<void> {
    const now = this.clock.now().getTime();
    const last = this.lastReadAudit.get(readerId);
    if (last !== undefined && now - last < AUDIT_READ_EVERY_MS) return;
    this.lastReadAudit.set(readerId, now);
    if (this.lastReadAudit.size > 10_000) this.lastReadAudit.delete(this.lastReadAudit.keys().next().value!);
    const { readerId: _reader, ...filters } = request;
    await this.audit.logSecurityEvent('AUDIT_READ', readerId, { filters });
  }
}
