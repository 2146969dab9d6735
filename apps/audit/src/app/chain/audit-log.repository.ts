import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource, EntityManager } from 'typeorm';
import { ChainedEvent, chainHash } from './chain-hash';

export interface StoredRow extends ChainedEvent {
  prevHash: Buffer;
  hash: Buffer;
}

interface Row {
  seq: string;
  id: string;
  action: string;
  actor_id: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
  source: string;
  request_id: string | null;
  ip: string | null;
  prev_hash: Buffer;
  hash: Buffer;
}

export const toStoredRow = (r: Row): StoredRow => ({
  seq: Number(r.seq),
  id: r.id,
  action: r.action,
  actorId: r.actor_id,
  details: r.details,
  occurredAt: r.occurred_at.toISOString(),
  source: r.source,
  requestId: r.request_id,
  ip: r.ip,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The audit log table. Appending serialises on the chain head row, so any number of writers make one chain. */
@Injectable()
export class AuditLogRepository {
  constructor(readonly db: DataSource) {}

  /**
   * Appends the events not stored yet (idempotent on the event id), in order, each chained to the one
   * before, in one transaction. Returns how many were new.
   */
  async append(events: ReadonlyArray<Omit<ChainedEvent, 'seq'>>): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      const head = (await sql<{ seq: string; hash: Buffer }>(tx, 'SELECT seq, hash FROM audit.chain_head WHERE id = 1 FOR UPDATE')).rows[0]!;
      const ids = events.map((e) => e.id);
      const existing = new Set((await sql<{ id: string }>(tx, 'SELECT id FROM audit.events WHERE id = ANY($1::uuid[])', [ids])).rows.map((r) => r.id));
      const seen = new Set<string>();
      let seq = Number(head.seq);
      let previous = head.hash;
      const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
      for (const event of events) {
        if (existing.has(event.id) || seen.has(event.id)) continue;
        seen.add(event.id);
        seq += 1;
        const chained: ChainedEvent = { ...event, seq };
        const hash = chainHash(previous, chained);
        [seq, event.id, event.action, event.actorId, JSON.stringify(event.details), event.occurredAt, event.source, event.requestId, event.ip, previous, hash].forEach((v, i) =>
          columns[i]!.push(v),
        );
        previous = hash;
      }
      if (seen.size === 0) return 0;
      await sql(
        tx,
        `INSERT INTO audit.events (seq, id, action, actor_id, details, occurred_at, source, request_id, ip, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::bytea[], $11::bytea[])`,
        columns,
      );
      await sql(tx, 'UPDATE audit.chain_head SET seq = $1, hash = $2 WHERE id = 1', [seq, previous]);
      return seen.size;
    });
  }

  /** Rows in sequence order after `afterSeq`, a page at a time (verification streams with this). */
  async page(afterSeq: number, limit: number, db: DataSource | EntityManager = this.db): Promise<StoredRow[]> {
    const { rows } = await sql<Row>(db, 'SELECT * FROM audit.events WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return rows.map(toStoredRow);
  }

  async head(): Promise<{ seq: number; hash: Buffer }> {
    const row = (await sql<{ seq: string; hash: Buffer }>(this.db, 'SELECT seq, hash FROM audit.chain_head WHERE id = 1')).rows[0]!;
    return { seq: Number(row.seq), hash: row.hash };
  }

  async rowHash(seq: number): Promise<Buffer | null> {
    return (await sql<{ hash: Buffer }>(this.db, 'SELECT hash FROM audit.events WHERE seq = $1', [seq])).rows[0]?.hash ?? null;
  }

  async maxSeq(): Promise<number> {
    return Number((await sql<{ m: string | null }>(this.db, 'SELECT max(seq) AS m FROM audit.events')).rows[0]?.m ?? 0);
  }
}
