import { Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { AppConfig, authConfig } from '@warden/config';
import { AuthSessionList, AuthSessionRevoke, AuthSessionValidate, ErrorCode, ReplyOf, SessionRevoked, ValidRequestOf } from '@warden/contracts';
import { BroadcastBus, rpcError } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { UserRolesLookup } from '../roles/user-roles.lookup';
import { generateSecret, isWellFormedToken, sha256 } from './session-token';
import { SessionRepository } from './session.repository';

/** last_seen_at is written at most this often per session: validation stays a read. */
const TOUCH_EVERY_MS = 60_000;

/** The seed's SessionService, done right: random tokens shown once, only their hash stored. */
@Injectable()
export class SessionService {
  private readonly ttlMs: number;
  private readonly ipPolicy: 'record' | 'enforce';

  constructor(
    private readonly sessions: SessionRepository,
    private readonly roles: UserRolesLookup,
    private readonly broadcast: BroadcastBus,
    private readonly audit: AuditClient,
    private readonly clock: Clock,
    config: AppConfig<typeof authConfig.shape>,
  ) {
    this.ttlMs = config.get('SESSION_TTL') * 1000;
    this.ipPolicy = config.get('SESSION_IP_POLICY');
  }

  /** create_session(user_id, ip): the token is returned once and never stored. */
  async create(userId: string, client: { ip: string; userAgent: string }): Promise<{ token: string; sessionId: string; expiresAt: string }> {
    const token = generateSecret();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const sessionId = await this.sessions.create({ userId, tokenHash: sha256(token), ip: client.ip, userAgent: client.userAgent.slice(0, 512), now, expiresAt });
    return { token, sessionId, expiresAt: expiresAt.toISOString() };
  }

  async validate(request: ValidRequestOf<typeof AuthSessionValidate>): Promise<ReplyOf<typeof AuthSessionValidate>> {
    // A malformed token never reaches the database.
    if (!isWellFormedToken(request.token)) throw rpcError(ErrorCode.UNAUTHORIZED, 'malformed session token');
    const session = await this.sessions.findByTokenHash(sha256(request.token));
    if (!session) throw rpcError(ErrorCode.UNAUTHORIZED, 'unknown session');
    const now = this.clock.now();
    // A revoked session's token shown again is a failed authentication of a known account (a token stolen
    // and replayed after logout, say): the security scan counts these per account. An expired one is not —
    // browsers keep sending stale cookies, and a few users behind one address would look like stuffing.
    // The gateway's rate limits bound how many a client can cause.
    if (session.revokedAt) throw await this.refuseRevokedSession(session, request.ip);
    if (session.expiresAt.getTime() <= now.getTime()) throw rpcError(ErrorCode.UNAUTHORIZED, 'session expired');

    const ip = request.ip ?? session.lastIp;
    if (ip !== session.lastIp) {
      await this.audit.logSecurityEvent(
        'SESSION_IP_CHANGED',
        session.userId,
        { sessionId: session.id, previousIp: session.lastIp, ip, policy: this.ipPolicy, action: this.ipPolicy === 'enforce' ? 'rejected' : 'recorded' },
        { ip },
      );
      if (this.ipPolicy === 'enforce') throw rpcError(ErrorCode.UNAUTHORIZED, 'session used from another address');
    }
    if (ip !== session.lastIp || now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.sessions.touch(session.id, now, ip);
    }
    const roles = await this.roles.rolesOf(session.userId);
    return {
      userId: session.userId,
      sessionId: session.id,
      discordId: session.discordId,
      username: session.username,
      roles,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  async revoke(request: ValidRequestOf<typeof AuthSessionRevoke>): Promise<ReplyOf<typeof AuthSessionRevoke>> {
    const revokedSessionIds = await this.sessions.revoke(request.userId, request.sessionId ?? null, request.reason, this.clock.now());
    if (request.sessionId && revokedSessionIds.length === 0) throw rpcError(ErrorCode.NOT_FOUND, 'no such session');
    if (revokedSessionIds.length > 0) {
      // Flushed before replying: by the time the client sees 204, every gateway has been told.
      await this.broadcast.publishAndFlush(SessionRevoked, { userId: request.userId, sessionIds: revokedSessionIds });
      await this.audit.logSecurityEvent(request.reason === 'logout' ? 'LOGOUT' : 'SESSION_REVOKED', request.userId, {
        sessionIds: revokedSessionIds,
        reason: request.reason,
      });
    }
    return { revokedSessionIds };
  }

  async list(request: ValidRequestOf<typeof AuthSessionList>): Promise<ReplyOf<typeof AuthSessionList>> {
    const sessions = await this.sessions.listActive(request.userId, this.clock.now());
    return {
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        ip: s.lastIp,
        userAgent: s.userAgent,
      })),
    };
  }

  private async refuseRevokedSession(session: { id: string; userId: string }, ip: string | undefined) {
    await this.audit.logSecurityEvent('LOGIN_FAILED', session.userId, { reason: 'session_revoked', sessionId: session.id, ip: ip ?? null }, { ip: ip ?? null });
    return rpcError(ErrorCode.UNAUTHORIZED, 'session revoked');
  }
}
