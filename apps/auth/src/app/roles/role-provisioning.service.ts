import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AuthzProvisionUser } from '@warden/contracts';
import { sql } from '@warden/database';
import { NatsRpcClient } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { DataSource } from 'typeorm';

type InitialRole = 'admin' | 'user';
const RETRY_EVERY_MS = 5_000;

/**
 * The hand-over of a new user's first roles to the authorization service. The intent is written in the
 * same transaction-free step as the user (an outbox row), sent at once, and re-sent with backoff until
 * authz confirms — so a user created while authz is down still gets `user` (and `admin` for a bootstrap
 * id). authz.users.provision is idempotent, so a re-send never doubles anything.
 */
@Injectable()
export class RoleProvisioningService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RoleProvisioningService.name);
  private timer: NodeJS.Timeout | null = null;
  private retrying = false;

  constructor(
    private readonly db: DataSource,
    private readonly rpc: NatsRpcClient,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.retryPending(), RETRY_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async provision(userId: string, roles: InitialRole[], reason: 'first_login' | 'bootstrap_admin'): Promise<void> {
    await sql(
      this.db,
      `INSERT INTO auth.role_provisioning (user_id, roles, reason, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (user_id) DO NOTHING`,
      [userId, roles, reason, this.clock.now()],
    );
    await this.attempt(userId, roles, reason);
  }

  /** Re-sends hand-overs that authz has not confirmed; rows are claimed so two replicas never race. */
  async retryPending(): Promise<void> {
    // A slow pass (authz hanging until timeouts) must not be overlapped by the next tick.
    if (this.retrying) return;
    this.retrying = true;
    try {
      await this.db.transaction(async (manager) => {
        const { rows } = await sql<{ user_id: string; roles: InitialRole[]; reason: 'first_login' | 'bootstrap_admin' }>(
          manager,
          `SELECT user_id, roles, reason FROM auth.role_provisioning
            WHERE completed_at IS NULL AND next_attempt_at <= $1
            ORDER BY next_attempt_at LIMIT 10 FOR UPDATE SKIP LOCKED`,
          [this.clock.now()],
        );
        for (const row of rows) await this.attempt(row.user_id, row.roles, row.reason, manager);
      });
    } catch (error) {
      this.logger.warn(`role hand-over retry pass failed: ${(error as Error).message}`);
    } finally {
      this.retrying = false;
    }
  }

  private async attempt(userId: string, roles: InitialRole[], reason: 'first_login' | 'bootstrap_admin', manager: Parameters<typeof sql>[0] = this.db): Promise<void> {
    try {
      await this.rpc.request(AuthzProvisionUser, { userId, roles, reason }, { timeoutMs: 3_000 });
      await sql(manager, 'UPDATE auth.role_provisioning SET completed_at = $2, last_error = NULL WHERE user_id = $1', [userId, this.clock.now()]);
    } catch (error) {
      const message = (error as Error).message.slice(0, 200);
      await sql(
        manager,
        `UPDATE auth.role_provisioning
            SET attempts = attempts + 1, last_error = $2,
                next_attempt_at = $3::timestamptz + make_interval(secs => LEAST(300, 2 ^ LEAST(attempts, 8)))
          WHERE user_id = $1`,
        [userId, message, this.clock.now()],
      );
      this.logger.warn({ userId }, `role hand-over to authz pending: ${message}`);
    }
  }
}
