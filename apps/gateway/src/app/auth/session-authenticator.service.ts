import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import { AuthSessionValidate, ErrorCode, ReplyOf, SessionRevoked } from '@warden/contracts';
import { BroadcastBus, NatsConnectionState, WardenRpcError } from '@warden/messaging';
import { hash } from 'node:crypto';
import { HttpRequestScope } from '../upstream/request-scope';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';

export type ValidatedSession = ReplyOf<typeof AuthSessionValidate> & { via: 'bearer' | 'cookie' };
type Session = ReplyOf<typeof AuthSessionValidate>;

interface CacheEntry {
  session: Session;
  /** The session as a settled promise, handed out as is: a cache hit allocates nothing. */
  settled: Promise<Session>;
  until: number;
  /** The address auth validated it from: a request from any other must go to auth (SESSION_IP_POLICY). */
  clientIp: string;
}

const MAX_CACHED = 10_000;
const MAX_REVOKED_REMEMBERED = 100_000;
const VALIDATION = Symbol('WARDEN_SESSION_VALIDATION');
type RequestWithValidation = { [VALIDATION]?: { token: string; result: Promise<Session> } };

/**
 * Validates session tokens through `auth.session.validate`, remembering a validation for a few seconds
 * (SESSION_CACHE_TTL_MS). A revocation broadcast evicts the session at once, so logout is immediate on
 * every gateway replica even with the cache. Three ways the cache could outlive a "no" are closed:
 * - a validation is reused only for the client address auth saw, so SESSION_IP_POLICY (audit or refuse
 *   a new address) applies to every request, not only to cache misses;
 * - a validation answered before a revocation but arriving after its broadcast (the reply and the
 *   broadcast come over different connections) is refused, not cached: revoked ids are remembered for
 *   longer than any request can be in flight;
 * - a NATS reconnect (broadcasts may have been missed) forgets every cached validation, and a reply
 *   asked before it is used once but not cached (the generation counter).
 */
@Injectable()
export class SessionAuthenticator implements OnModuleInit {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly keyBySession = new Map<string, string>();
  /** Recently revoked session ids → when they may be forgotten (insertion order is time order). */
  private readonly revoked = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly revokedMemoryMs: number;
  /** Bumped whenever revocations may have been missed: a reply asked in an earlier generation is not cached. */
  private generation = 0;

  constructor(
    private readonly rpc: ScopedRpcClient,
    private readonly broadcast: BroadcastBus,
    private readonly natsState: NatsConnectionState,
    config: AppConfig<typeof gatewayConfig.shape>,
  ) {
    this.ttlMs = config.get('SESSION_CACHE_TTL_MS');
    // A reply that resolves arrived within the request timeout of being asked, so it was asked less than
    // that long before any broadcast that overtook it; the margin covers a busy event loop.
    this.revokedMemoryMs = config.get('NATS_REQUEST_TIMEOUT_MS') + 5_000;
  }

  onModuleInit(): void {
    this.broadcast.subscribe(SessionRevoked, ({ sessionIds }) => this.revokedNow(sessionIds));
    this.natsState.onReconnect(() => this.forgetAll());
  }

  /**
   * Validates once per HTTP request: the rate-limit guard and the session guard both need the session,
   * and an invalid token (never cached) must not cost two round trips.
   */
  validateForRequest(request: object, token: string, scope: HttpRequestScope): Promise<Session> {
    const carrier = request as RequestWithValidation;
    const memo = carrier[VALIDATION];
    if (memo && memo.token === token) return memo.result;
    const result = this.validate(token, scope);
    carrier[VALIDATION] = { token, result };
    return result;
  }

  validate(token: string, scope: HttpRequestScope): Promise<Session> {
    if (token.length > 512) return Promise.reject(new WardenRpcError(ErrorCode.UNAUTHORIZED, 'malformed session token'));
    // The one-shot digest: a Hash object per request cost 2% of the gateway's CPU.
    const key = hash('sha256', token, 'base64url');
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now && cached.clientIp === scope.clientIp) return cached.settled;
    if (cached) this.evict(key, cached);
    return this.ask(key, token, scope, now);
  }

  /** Evicts a session's cached validation (a revocation on this or another replica). */
  forget(sessionId: string): void {
    const key = this.keyBySession.get(sessionId);
    if (key) {
      this.cache.delete(key);
      this.keyBySession.delete(sessionId);
    }
  }

  private async ask(key: string, token: string, scope: HttpRequestScope, now: number): Promise<Session> {
    const generation = this.generation;
    const session = await this.rpc.request(scope, AuthSessionValidate, { token, ip: scope.clientIp });
    if (this.revoked.has(session.sessionId)) throw new WardenRpcError(ErrorCode.UNAUTHORIZED, 'session revoked');
    if (this.ttlMs > 0 && generation === this.generation) {
      const until = Math.min(now + this.ttlMs, Date.parse(session.expiresAt));
      if (this.cache.size >= MAX_CACHED) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.evict(oldest, this.cache.get(oldest)!);
      }
      this.cache.set(key, { session, settled: Promise.resolve(session), until, clientIp: scope.clientIp });
      this.keyBySession.set(session.sessionId, key);
    }
    return session;
  }

  private revokedNow(sessionIds: readonly string[]): void {
    const now = Date.now();
    for (const [sessionId, forgetAt] of this.revoked) {
      if (forgetAt > now && this.revoked.size < MAX_REVOKED_REMEMBERED) break;
      // Forgotten before its reply window closed (a revocation storm): no reply in flight may be cached.
      if (forgetAt > now) this.forgetAll();
      this.revoked.delete(sessionId);
    }
    for (const sessionId of sessionIds) {
      this.forget(sessionId);
      this.revoked.delete(sessionId);
      this.revoked.set(sessionId, now + this.revokedMemoryMs);
    }
  }

  private forgetAll(): void {
    this.cache.clear();
    this.keyBySession.clear();
    this.generation += 1;
  }

  private evict(key: string, entry: CacheEntry): void {
    this.cache.delete(key);
    this.keyBySession.delete(entry.session.sessionId);
  }
}
