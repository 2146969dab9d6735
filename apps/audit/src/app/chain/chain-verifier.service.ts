import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig, auditConfig } from '@warden/config';
import { ReplyOf, AuditVerify } from '@warden/contracts';
import { sql } from '@warden/database';
import { Clock } from '@warden/service-host';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuditLogRepository } from './audit-log.repository';
import { chainHash, GENESIS_HASH } from './chain-hash';

const PAGE = 5_000;

interface Checkpoint {
  seq: number;
  hash: Buffer;
  signedAt: Date;
  signature: Buffer;
}

/**
 * Tamper evidence beyond the chain: signed checkpoints of the chain head (HMAC with a key of the audit
 * service's own), so truncating the log or rewriting it wholesale is caught too — as CloudTrail digests
 * do. Verification streams the table a page at a time (constant memory).
 */
@Injectable()
export class ChainVerifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChainVerifier.name);
  private readonly key: Buffer | undefined;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: AuditLogRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig<typeof auditConfig.shape>,
  ) {
    this.key = config.get('AUDIT_CHECKPOINT_KEY');
  }

  onModuleInit(): void {
    if (!this.key) {
      this.logger.warn('AUDIT_CHECKPOINT_KEY is not set: no signed checkpoints (truncation of the log would go unnoticed)');
      return;
    }
    this.timer = setInterval(() => void this.checkpoint().catch((e: Error) => this.logger.warn(`checkpoint failed: ${e.message}`)), this.config.get('AUDIT_CHECKPOINT_INTERVAL') * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Signs the current head; null when the log is empty or no key is configured. */
  async checkpoint(): Promise<{ seq: number; hash: string; signedAt: string } | null> {
    if (!this.key) return null;
    const head = await this.log.head();
    if (head.seq === 0) return null;
    const signedAt = this.clock.now();
    await sql(this.log.db, 'INSERT INTO audit.checkpoints (seq, hash, signed_at, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING', [
      head.seq,
      head.hash,
      signedAt,
      this.sign(head.seq, head.hash, signedAt),
    ]);
    return { seq: head.seq, hash: head.hash.toString('hex'), signedAt: signedAt.toISOString() };
  }

  async verify(): Promise<ReplyOf<typeof AuditVerify>> {
    const checkpoints = await this.checkpoints();
    const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
    let firstBrokenSeq: number | null = null;
    const broken = (seq: number) => {
      if (firstBrokenSeq === null || seq < firstBrokenSeq) firstBrokenSeq = seq;
    };
    for (const c of checkpoints) if (!this.key || !this.validSignature(c)) broken(c.seq);

    let previous: Buffer = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    let last: { seq: number; hash: Buffer } | null = null;
    for (let after = 0; ; ) {
      const rows = await this.log.page(after, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.seq !== expectedSeq) broken(expectedSeq); // a row is missing (deleted) or out of place
        const { prevHash, hash, ...event } = row;
        if (!prevHash.equals(previous) || !hash.equals(chainHash(previous, event))) broken(row.seq);
        const checkpoint = bySeq.get(row.seq);
        if (checkpoint && !checkpoint.hash.equals(hash)) broken(row.seq);
        previous = hash;
        expectedSeq = row.seq + 1;
        checked += 1;
        last = { seq: row.seq, hash };
      }
      after = rows[rows.length - 1]!.seq;
    }
    // A checkpoint beyond the last row: the tail was cut off.
    const latest = checkpoints.reduce<number | null>((m, c) => (m === null || c.seq > m ? c.seq : m), null);
    if (latest !== null && latest > (last?.seq ?? 0)) broken((last?.seq ?? 0) + 1);
    return {
      valid: firstBrokenSeq === null,
      checked,
      head: last ? { seq: last.seq, hash: last.hash.toString('hex') } : null,
      firstBrokenSeq,
      checkpoints: { checked: checkpoints.length, latestSeq: latest },
    };
  }

  private async checkpoints(): Promise<Checkpoint[]> {
    const { rows } = await sql<{ seq: string; hash: Buffer; signed_at: Date; signature: Buffer }>(this.log.db, 'SELECT * FROM audit.checkpoints ORDER BY seq');
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, signedAt: r.signed_at, signature: r.signature }));
  }

  private sign(seq: number, hash: Buffer, signedAt: Date): Buffer {
    return createHmac('sha256', this.key!).update(`warden:audit:checkpoint:v1:${seq}:${hash.toString('hex')}:${signedAt.toISOString()}`).digest();
  }

  private validSignature(c: Checkpoint): boolean {
    const expected = this.sign(c.seq, c.hash, c.signedAt);
    return expected.length === c.signature.length && timingSafeEqual(expected, c.signature);
  }
}
