import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { sql } from '@warden/database';
import { Clock } from '@warden/service-host';
import { DataSource } from 'typeorm';
import { OAuthStateRepository } from '../login/oauth-state.repository';
import { SessionRepository } from './session.repository';

const PURGE_EVERY_MS = 10 * 60 * 1000;
/** Kept a day past expiry or revocation, so "expired" and "revoked" stay distinguishable from "unknown". */
const GRACE_MS = 24 * 3600 * 1000;

/** Periodically deletes dead sessions and login states; one replica at a time (advisory lock). */
@Injectable()
export class ExpiredSessionPurger implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiredSessionPurger.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly sessions: SessionRepository,
    private readonly states: OAuthStateRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.purgeOnce(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async purgeOnce(): Promise<{ sessions: number; states: number } | null> {
    try {
      return await this.db.transaction(async (manager) => {
        const { rows } = await sql<{ locked: boolean }>(manager, "SELECT pg_try_advisory_xact_lock(hashtext('warden:auth:purge')) AS locked");
        if (!rows[0]?.locked) return null;
        const before = new Date(this.clock.now().getTime() - GRACE_MS);
        const result = { sessions: await this.sessions.purge(before), states: await this.states.purge(before) };
        if (result.sessions + result.states > 0) this.logger.log(`purged ${result.sessions} session(s) and ${result.states} login state(s)`);
        return result;
      });
    } catch (error) {
      this.logger.warn(`purge failed: ${(error as Error).message}`);
      return null;
    }
  }
}
