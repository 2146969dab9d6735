import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource } from 'typeorm';

export interface SessionRecord {
  id: string;
  userId: string;
  discordId: string;
  username: string;
  ip: string;
  lastIp: string;
  userAgent: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  discord_id: string;
  username: string;
  ip: string;
  last_ip: string;
  user_agent: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: SessionRow): SessionRecord => ({
  id: row.id,
  userId: row.user_id,
  discordId: row.discord_id,
  username: row.username,
  ip: row.ip,
  lastIp: row.last_ip,
  userAgent: row.user_agent,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

/** Sessions in Postgres, looked up by the SHA-256 of their token. Parameterized SQL only. */
@Injectable()
export class SessionRepository {
  constructor(private readonly db: DataSource) {}

  async create(input: { userId: string; tokenHash: Buffer; ip: string; userAgent: string; now: Date; expiresAt: Date }): Promise<string> {
    const { rows } = await sql<{ id: string }>(
      this.db,
      `INSERT INTO auth.sessions (user_id, token_hash, ip, last_ip, user_agent, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $3, $4, $5, $5, $6) RETURNING id`,
      [input.userId, input.tokenHash, input.ip, input.userAgent, input.now, input.expiresAt],
    );
    return rows[0]!.id;
  }

  async findByTokenHash(tokenHash: Buffer): Promise<SessionRecord | null> {
    const { rows } = await sql<SessionRow>(
      this.db,
      `SELECT s.id, s.user_id, u.discord_id, u.username, s.ip, s.last_ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at
         FROM auth.sessions s JOIN auth.users u ON u.id = s.user_id
        WHERE s.token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async touch(sessionId: string, now: Date, ip: string): Promise<void> {
    await sql(this.db, 'UPDATE auth.sessions SET last_seen_at = $2, last_ip = $3 WHERE id = $1', [sessionId, now, ip]);
  }

  /** Revokes the user's session(s); returns the ids actually revoked (someone else's id revokes nothing). */
  async revoke(userId: string, sessionId: string | null, reason: string, now: Date): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      this.db,
      `UPDATE auth.sessions SET revoked_at = $3, revoked_reason = $4
        WHERE user_id = $1 AND ($2::uuid IS NULL OR id = $2::uuid) AND revoked_at IS NULL AND expires_at > $3
        RETURNING id`,
      [userId, sessionId, now, reason],
    );
    return rows.map((r) => r.id);
  }

  async listActive(userId: string, now: Date): Promise<SessionRecord[]> {
    const { rows } = await sql<SessionRow>(
      this.db,
      `SELECT s.id, s.user_id, u.discord_id, u.username, s.ip, s.last_ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at
         FROM auth.sessions s JOIN auth.users u ON u.id = s.user_id
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
        ORDER BY s.created_at DESC`,
      [userId, now],
    );
    return rows.map(toRecord);
  }

  /** Deletes sessions that expired or were revoked before `before`; returns how many. */
  async purge(before: Date): Promise<number> {
    const { affected } = await sql(this.db, 'DELETE FROM auth.sessions WHERE expires_at < $1 OR revoked_at < $1', [before]);
    return affected;
  }
}
