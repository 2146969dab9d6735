import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { CryptoActiveVersion, CryptoEncrypt, CryptoRewrap, CryptoRotated, CryptoUsageReport } from '@warden/contracts';
import { sql } from '@warden/database';
import { BroadcastBus, NatsRpcClient } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { DataSource } from 'typeorm';
import { DiscordTokens } from '../discord/discord-oauth.client';

const REWRAP_BATCH = 100;

/** The encryption context binding a stored token to its user: a ciphertext moved to another row fails to decrypt. */
export const discordTokenContext = (userId: string) => `auth:discord-token:${userId}`;

/**
 * Discord's access and refresh tokens for later API calls, stored only as crypto-service ciphertexts.
 * After a key rotation, a rewrap pass moves every stored ciphertext to the new version in batches (the
 * plaintext never leaves the crypto service), then reports per-version counts so operators know when a
 * retired key has no dependents left.
 */
@Injectable()
export class DiscordTokenStore implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(DiscordTokenStore.name);
  private rewrapping: Promise<void> | null = null;
  private rewrapAgain = false;

  constructor(
    private readonly db: DataSource,
    private readonly rpc: NatsRpcClient,
    private readonly broadcast: BroadcastBus,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.broadcast.subscribe(CryptoRotated, () => void this.rewrapAll());
  }

  onApplicationBootstrap(): void {
    // Catch up on a rotation that happened while this replica was down; best effort.
    void this.rewrapAll();
  }

  /** Encrypts and stores; if the crypto service cannot be reached the tokens are dropped, never stored in clear. */
  async store(userId: string, tokens: DiscordTokens): Promise<boolean> {
    const context = discordTokenContext(userId);
    try {
      const access = await this.rpc.request(CryptoEncrypt, { plaintext: tokens.accessToken, context, encoding: 'utf8' });
      const refresh = tokens.refreshToken ? await this.rpc.request(CryptoEncrypt, { plaintext: tokens.refreshToken, context, encoding: 'utf8' }) : null;
      const now = this.clock.now();
      await sql(
        this.db,
        `INSERT INTO auth.discord_tokens (user_id, access_token_ciphertext, refresh_token_ciphertext, key_version, scope, expires_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id) DO UPDATE SET access_token_ciphertext = EXCLUDED.access_token_ciphertext,
           refresh_token_ciphertext = EXCLUDED.refresh_token_ciphertext, key_version = EXCLUDED.key_version,
           scope = EXCLUDED.scope, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at`,
        [userId, access.ciphertext, refresh?.ciphertext ?? null, access.keyVersion, tokens.scope, tokens.expiresIn ? new Date(now.getTime() + tokens.expiresIn * 1000) : null, now],
      );
      return true;
    } catch (error) {
      this.logger.warn({ userId }, `Discord tokens not stored (crypto service: ${(error as Error).message})`);
      return false;
    }
  }

  /**
   * Rewraps every row under an older key version than the active one. One pass at a time per replica (a
   * rotation during a pass queues one more); rows are claimed with SKIP LOCKED so replicas share the work.
   */
  async rewrapAll(): Promise<void> {
    if (this.rewrapping) {
      this.rewrapAgain = true;
      return this.rewrapping;
    }
    this.rewrapping = (async () => {
      do {
        this.rewrapAgain = false;
        await this.rewrapPass();
      } while (this.rewrapAgain);
    })().finally(() => {
      this.rewrapping = null;
    });
    return this.rewrapping;
  }

  private async rewrapPass(): Promise<void> {
    try {
      const { activeVersion } = await this.rpc.request(CryptoActiveVersion, {});
      let moved = 0;
      for (;;) {
        const count = await this.db.transaction(async (tx) => {
          const { rows } = await sql<{ user_id: string; access_token_ciphertext: string; refresh_token_ciphertext: string | null }>(
            tx,
            `SELECT user_id, access_token_ciphertext, refresh_token_ciphertext FROM auth.discord_tokens
              WHERE key_version < $1 ORDER BY user_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
            [activeVersion, REWRAP_BATCH],
          );
          for (const row of rows) {
            const context = discordTokenContext(row.user_id);
            const access = await this.rpc.request(CryptoRewrap, { ciphertext: row.access_token_ciphertext, context, actorId: 'system:auth' });
            const refresh = row.refresh_token_ciphertext ? await this.rpc.request(CryptoRewrap, { ciphertext: row.refresh_token_ciphertext, context, actorId: 'system:auth' }) : null;
            await sql(tx, 'UPDATE auth.discord_tokens SET access_token_ciphertext = $2, refresh_token_ciphertext = $3, key_version = $4 WHERE user_id = $1', [
              row.user_id,
              access.ciphertext,
              refresh?.ciphertext ?? null,
              access.keyVersion,
            ]);
          }
          return rows.length;
        });
        moved += count;
        if (count < REWRAP_BATCH) break;
      }
      if (moved > 0) this.logger.log(`rewrapped ${moved} Discord token row(s) to key version ${activeVersion}`);
      await this.reportUsage();
    } catch (error) {
      this.logger.warn(`rewrap pass stopped: ${(error as Error).message}`);
    }
  }

  async reportUsage(): Promise<void> {
    const { rows } = await sql<{ key_version: number; n: number }>(
      this.db,
      'SELECT key_version, (count(*) + count(refresh_token_ciphertext))::int AS n FROM auth.discord_tokens GROUP BY key_version',
    );
    await this.rpc.request(CryptoUsageReport, { service: 'auth', counts: Object.fromEntries(rows.map((r) => [String(r.key_version), r.n])) });
  }
}
