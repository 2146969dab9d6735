import { Injectable } from '@nestjs/common';
import { PublicUser } from '@warden/contracts';
import { sql } from '@warden/database';
import { DataSource } from 'typeorm';

export interface DiscordIdentity {
  discordId: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  email: string | null;
}

@Injectable()
export class UserRepository {
  constructor(private readonly db: DataSource) {}

  /** Creates the user or refreshes its Discord profile (Discord id is unique); tells which happened. */
  async upsertFromDiscord(identity: DiscordIdentity, now: Date): Promise<{ user: PublicUser; created: boolean }> {
    const { rows } = await sql<{ id: string; discord_id: string; username: string; global_name: string | null; avatar: string | null; created: boolean }>(
      this.db,
      `INSERT INTO auth.users (discord_id, username, global_name, avatar, email, created_at, updated_at, last_login_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $6)
       ON CONFLICT (discord_id) DO UPDATE
         SET username = EXCLUDED.username, global_name = EXCLUDED.global_name, avatar = EXCLUDED.avatar,
             email = COALESCE(EXCLUDED.email, auth.users.email), updated_at = EXCLUDED.updated_at, last_login_at = EXCLUDED.last_login_at
       RETURNING id, discord_id, username, global_name, avatar, (xmax = 0) AS created`,
      [identity.discordId, identity.username, identity.globalName, identity.avatar, identity.email, now],
    );
    const row = rows[0]!;
    return {
      user: { id: row.id, discordId: row.discord_id, username: row.username, globalName: row.global_name, avatar: row.avatar },
      created: row.created,
    };
  }
}
