import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource } from 'typeorm';

export interface OAuthStateRecord {
  bindingHash: Buffer;
  codeVerifier: string;
  expiresAt: Date;
}

export type StateLookup = { kind: 'fresh'; state: OAuthStateRecord } | { kind: 'reused' } | { kind: 'unknown' };

/** Login states, stored by their SHA-256; consuming one is a single atomic UPDATE, so it works once. */
@Injectable()
export class OAuthStateRepository {
  constructor(private readonly db: DataSource) {}

  async create(input: { stateHash: Buffer; bindingHash: Buffer; codeVerifier: string; ip: string; now: Date; expiresAt: Date }): Promise<void> {
    await sql(
      this.db,
      `INSERT INTO auth.oauth_states (state_hash, binding_hash, code_verifier, ip, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [input.stateHash, input.bindingHash, input.codeVerifier, input.ip, input.now, input.expiresAt],
    );
  }

  async consume(stateHash: Buffer, now: Date): Promise<StateLookup> {
    const { rows } = await sql<{ binding_hash: Buffer; code_verifier: string; expires_at: Date }>(
      this.db,
      `UPDATE auth.oauth_states SET consumed_at = $2 WHERE state_hash = $1 AND consumed_at IS NULL
       RETURNING binding_hash, code_verifier, expires_at`,
      [stateHash, now],
    );
    if (rows[0]) return { kind: 'fresh', state: { bindingHash: rows[0].binding_hash, codeVerifier: rows[0].code_verifier, expiresAt: rows[0].expires_at } };
    const { rows: existing } = await sql(this.db, 'SELECT 1 FROM auth.oauth_states WHERE state_hash = $1', [stateHash]);
    return existing.length > 0 ? { kind: 'reused' } : { kind: 'unknown' };
  }

  /** Forgets states past their expiry (a day later, so a replay is still told apart from an unknown state). */
  async purge(before: Date): Promise<number> {
    return (await sql(this.db, 'DELETE FROM auth.oauth_states WHERE expires_at < $1', [before])).affected;
  }
}
