import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource } from 'typeorm';

export interface RotationPeriod {
  period: string;
  fromVersion: number;
  toVersion: number | null;
  rotated: boolean | null;
}

interface Row {
  period: string;
  from_version: number;
  to_version: number | null;
  rotated: boolean | null;
}

const toPeriod = (r: Row): RotationPeriod => ({ period: r.period, fromVersion: r.from_version, toVersion: r.to_version, rotated: r.rotated });

@Injectable()
export class RotationPeriodRepository {
  constructor(private readonly db: DataSource) {}

  async find(period: string): Promise<RotationPeriod | null> {
    const { rows } = await sql<Row>(this.db, 'SELECT period, from_version, to_version, rotated FROM scheduler.key_rotations WHERE period = $1', [period]);
    return rows[0] ? toPeriod(rows[0]) : null;
  }

  /** Pins the version this period rotates away from; the first claim wins and later ones read it. */
  async claim(period: string, fromVersion: number): Promise<RotationPeriod> {
    await sql(this.db, 'INSERT INTO scheduler.key_rotations (period, from_version) VALUES ($1, $2) ON CONFLICT (period) DO NOTHING', [period, fromVersion]);
    return (await this.find(period))!;
  }

  async complete(period: string, toVersion: number, rotated: boolean, now: Date): Promise<void> {
    await sql(this.db, 'UPDATE scheduler.key_rotations SET to_version = $2, rotated = $3, completed_at = $4 WHERE period = $1 AND to_version IS NULL', [
      period,
      toVersion,
      rotated,
      now,
    ]);
  }
}
