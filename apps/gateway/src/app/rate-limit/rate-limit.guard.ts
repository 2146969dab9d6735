import { CanActivate, ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditClient } from '@warden/audit-client';
import { describeError } from '@warden/logging';
import { ErrorCode } from '@warden/contracts';
import { WardenRpcError } from '@warden/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionAuthenticator } from '../auth/session-authenticator.service';
import { SessionCookies } from '../auth/session-cookies';
import { readSessionCredential } from '../auth/session-credential';
import { routeOf } from '../edge/route-of';
import { requestScopeOf } from '../upstream/request-scope';
import { RouteClass } from './rate-limit-rules';
import { RateLimitCheck, RateLimitDecision, rateLimitDecisions, RateLimiter } from './rate-limiter.service';

const ROUTE_CLASS = Symbol('RATE_LIMIT_ROUTE_CLASS');
const UNLIMITED = Symbol('RATE_LIMIT_UNLIMITED');

/** Marks a route's class: `login` (strict per-IP rule, fails closed), `admin` (fails closed), `api`. */
export const RateLimitClass = (routeClass: RouteClass) => SetMetadata(ROUTE_CLASS, routeClass);
/** Probes and metrics are never limited. */
export const NotRateLimited = () => SetMetadata(UNLIMITED, true);

/**
 * Applies the global per-IP ceiling and the route's rule (login per IP, anonymous per IP,
 * authenticated per user) to every request, an IPv6 client's "IP" being its RATE_LIMIT_IPV6_PREFIX
 * network; answers 429 with Retry-After, and sets RateLimit-Limit, RateLimit-Remaining and
 * RateLimit-Reset from the route's rule. When Redis cannot answer, login and admin routes fail closed
 * (503) and the rest fail open — logged and counted in /metrics.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly routeClasses = new WeakMap<object, RouteClass | 'unlimited'>();

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly sessions: SessionAuthenticator,
    private readonly cookies: SessionCookies,
    private readonly audit: AuditClient,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const routeClass = this.routeClassOf(context);
    if (routeClass === 'unlimited') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const route = `${request.method} ${routeOf(request).url ?? 'unmatched'}`;

    const ipIdentity = this.limiter.ipIdentity(request.ip);
    const checks: Array<RateLimitCheck & { actorId: string | null }> = [{ rule: this.limiter.rules['global-ip'], identity: ipIdentity, actorId: null }];
    if (routeClass === 'login') {
      checks.push({ rule: this.limiter.rules.login, identity: ipIdentity, actorId: null });
    } else {
      const userId = await this.userOf(request);
      checks.push(
        userId
          ? { rule: this.limiter.rules.authenticated, identity: `user:${userId}`, actorId: userId }
          : { rule: this.limiter.rules.anonymous, identity: ipIdentity, actorId: null },
      );
    }

    let decisions: RateLimitDecision[];
    try {
      decisions = await this.limiter.consume(checks);
    } catch (error) {
      const closed = routeClass !== 'api';
      for (const check of checks) rateLimitDecisions.inc({ rule: check.rule.name, outcome: closed ? 'redis_error_closed' : 'redis_error_open' });
      this.logger.warn({ requestId: request.id, route, ...describeError(error) }, `rate limiting unavailable; failing ${closed ? 'closed' : 'open'}`);
      if (closed) throw new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, 'rate limiting is unavailable; try again shortly');
      return true;
    }
    let shown: RateLimitDecision | null = null;
    for (const [index, check] of checks.entries()) {
      const decision = decisions[index]!;
      rateLimitDecisions.inc({ rule: check.rule.name, outcome: decision.allowed ? 'allowed' : 'limited' });
      shown = decision;
      if (!decision.allowed) {
        if (decision.firstViolation) {
          await this.audit.logSecurityEvent('RATE_LIMIT_EXCEEDED', check.actorId, { key: check.identity, rule: check.rule.name, route, ip: request.ip }, { scope: requestScopeOf(request) });
        }
        this.setHeaders(reply, decision);
        void reply.header('Retry-After', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
        throw new WardenRpcError(ErrorCode.RATE_LIMITED, `rate limit ${check.rule.name} exceeded; retry later`);
      }
    }
    if (shown) this.setHeaders(reply, shown);
    return true;
  }

  /** A route's class never changes: read from its metadata once, not on every request. */
  private routeClassOf(context: ExecutionContext): RouteClass | 'unlimited' {
    const handler = context.getHandler();
    let routeClass = this.routeClasses.get(handler);
    if (routeClass === undefined) {
      const targets = [handler, context.getClass()];
      routeClass = this.reflector.getAllAndOverride<boolean>(UNLIMITED, targets) ? 'unlimited' : (this.reflector.getAllAndOverride<RouteClass>(ROUTE_CLASS, targets) ?? 'api');
      this.routeClasses.set(handler, routeClass);
    }
    return routeClass;
  }

  private setHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
    void reply.header('RateLimit-Limit', String(decision.rule.limit));
    void reply.header('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
    void reply.header('RateLimit-Reset', String(Math.max(0, Math.ceil(decision.resetMs / 1000))));
  }

  /** The user behind a valid credential (validation is cached), or null: the request is then anonymous. */
  private async userOf(request: FastifyRequest): Promise<string | null> {
    try {
      const credential = readSessionCredential(request, this.cookies.sessionName);
      return credential ? (await this.sessions.validateForRequest(request, credential.token, requestScopeOf(request))).userId : null;
    } catch {
      return null;
    }
  }
}
