import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import { AuthzChanged, AuthzCheck } from '@warden/contracts';
import { BroadcastBus, NatsConnectionState, RequestScope } from '@warden/messaging';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';

const MAX_CACHED = 50_000;
/** Cached answers are handed out as settled promises: a cache hit allocates nothing. */
const ALLOWED = Promise.resolve(true);
const DENIED = Promise.resolve(false);
/**
 * After a change, a user's answers are not cached for this long: an authz replica may answer before it
 * has processed the same broadcast (it arrives on another connection), and that stale answer must not
 * be remembered for a whole TTL.
 */
const SETTLE_MS = 1_000;

interface CachedDecision {
  userId: string;
  allowed: boolean;
  until: number;
}

/**
 * `authz.check` for the gateway's guards, remembering each (user, resource, action) answer for
 * PERMISSION_CACHE_TTL_MS. `events.authz.changed` (published and flushed before authz answers a change)
 * evicts at once, a NATS reconnect (broadcasts may have been missed) forgets everything, an answer that
 * was in flight while anything changed is used once but never cached, and a changed user's answers are
 * not cached for a second after the change — so a revoked permission is not granted from this memory.
 */
@Injectable()
export class PermissionDecisions implements OnModuleInit {
  private readonly entries = new Map<string, CachedDecision>();
  private readonly ttlMs: number;
  private generation = 0;
  private readonly changedUntil = new Map<string, number>();
  private allChangedUntil = 0;

  constructor(
    private readonly rpc: ScopedRpcClient,
    private readonly broadcast: BroadcastBus,
    private readonly natsState: NatsConnectionState,
    config: AppConfig<typeof gatewayConfig.shape>,
  ) {
    this.ttlMs = config.get('PERMISSION_CACHE_TTL_MS');
  }

  onModuleInit(): void {
    this.broadcast.subscribe(AuthzChanged, (change) => (change.allUsers ? this.forgetAll() : this.forgetUsers(change.userIds)));
    this.natsState.onReconnect(() => this.forgetAll());
  }

  /** Throws when authz cannot answer; the caller denies. */
  isAllowed(scope: RequestScope, userId: string, resource: string, action: string): Promise<boolean> {
    const key = `${userId}\u0000${resource}\u0000${action}`;
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.allowed ? ALLOWED : DENIED;
    if (cached) this.entries.delete(key);
    return this.ask(key, scope, userId, resource, action, now);
  }

  private async ask(key: string, scope: RequestScope, userId: string, resource: string, action: string, now: number): Promise<boolean> {
    const generation = this.generation;
    const { allowed } = await this.rpc.request(scope, AuthzCheck, { userId, resource, action });
    if (this.ttlMs > 0 && generation === this.generation && !this.settling(userId, Date.now())) {
      if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { userId, allowed, until: now + this.ttlMs });
    }
    return allowed;
  }

  private settling(userId: string, now: number): boolean {
    if (now < this.allChangedUntil) return true;
    const until = this.changedUntil.get(userId);
    if (until === undefined) return false;
    if (now >= until) this.changedUntil.delete(userId);
    return now < until;
  }

  private forgetUsers(userIds: readonly string[]): void {
    this.generation += 1;
    if (userIds.length === 0) return;
    const until = Date.now() + SETTLE_MS;
    for (const userId of userIds) this.changedUntil.set(userId, until);
    if (this.changedUntil.size > MAX_CACHED) this.changedUntil.delete(this.changedUntil.keys().next().value!);
    const affected = new Set(userIds);
    for (const [key, entry] of this.entries) if (affected.has(entry.userId)) this.entries.delete(key);
  }

  private forgetAll(): void {
    this.generation += 1;
    this.allChangedUntil = Date.now() + SETTLE_MS;
    this.entries.clear();
  }
}
