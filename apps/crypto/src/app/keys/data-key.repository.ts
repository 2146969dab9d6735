import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource, EntityManager } from 'typeorm';

export interface DataKeyRecord {
  id: string;
  version: number;
  status: 'active' | 'retired' | 'destroyed';
  wrappedKey: Buffer | null;
  createdAt: Date;
  retiredAt: Date | null;
  destroyedAt: Date | null;
}

interface Row {
  id: string;
  version: number;
  status: DataKeyRecord['status'];
  wrapped_key: Buffer | null;
  created_at: Date;
  retired_at: Date | null;
  destroyed_at: Date | null;
}

const toRecord = (r: Row): DataKeyRecord => ({
  id: r.id,
  version: r.version,
  status: r.status,
  wrappedKey: r.wrapped_key,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
  destroyedAt: r.destroyed_at,
});

type Db = DataSource | EntityManager;

@Injectable()
export class DataKeyRepository {
  constructor(readonly db: DataSource) {}

  async all(db: Db = this.db): Promise<DataKeyRecord[]> {
    return (await sql<Row>(db, 'SELECT * FROM crypto.data_keys ORDER BY version')).rows.map(toRecord);
  }

  async checkValue(db: Db = this.db): Promise<string | null> {
    return (await sql<{ check_value: string }>(db, 'SELECT check_value FROM crypto.kek_check WHERE id = 1')).rows[0]?.check_value ?? null;
  }

  async saveCheckValue(value: string, db: Db): Promise<void> {
    await sql(db, 'INSERT INTO crypto.kek_check (id, check_value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [value]);
  }

  /** Serialises key changes across replicas for the rest of the transaction. */
  async lockKeys(db: EntityManager): Promise<void> {
    await sql(db, "SELECT pg_advisory_xact_lock(hashtext('warden:crypto:keys'))");
  }

  async retireActive(now: Date, db: EntityManager): Promise<number | null> {
    const { rows } = await sql<{ version: number }>(db, "UPDATE crypto.data_keys SET status = 'retired', retired_at = $1 WHERE status = 'active' RETURNING version", [now]);
    return rows[0]?.version ?? null;
  }

  async insertActive(id: string, version: number, wrappedKey: Buffer, now: Date, db: EntityManager): Promise<void> {
    await sql(db, "INSERT INTO crypto.data_keys (id, version, status, wrapped_key, created_at) VALUES ($1, $2, 'active', $3, $4)", [id, version, wrappedKey, now]);
  }

  async destroy(version: number, now: Date, db: EntityManager): Promise<boolean> {
    const { affected } = await sql(
      db,
      "UPDATE crypto.data_keys SET status = 'destroyed', wrapped_key = NULL, destroyed_at = $2 WHERE version = $1 AND status = 'retired'",
      [version, now],
    );
    return affected > 0;
  }

  async usage(db: Db = this.db): Promise<Array<{ service: string; version: number; count: number }>> {
    return (await sql<{ service: string; version: number; count: number }>(db, 'SELECT service, version, count FROM crypto.key_usage')).rows;
  }

  /** Replaces a service's report (versions it no longer mentions drop to zero). */
  async replaceUsage(service: string, counts: Array<{ version: number; count: number }>): Promise<void> {
    await this.db.transaction(async (tx) => {
      await sql(tx, 'DELETE FROM crypto.key_usage WHERE service = $1', [service]);
      for (const { version, count } of counts) {
        await sql(tx, 'INSERT INTO crypto.key_usage (service, version, count) VALUES ($1, $2, $3)', [service, version, count]);
      }
    });
  }
}
