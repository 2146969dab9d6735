import { applyDecorators, CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditClient } from '@warden/audit-client';
import { ErrorCode } from '@warden/contracts';
import { WardenRpcError } from '@warden/messaging';
import type { FastifyRequest } from 'fastify';
import { ValidatedSession } from '../auth/session-authenticator.service';
import { SessionGuard } from '../auth/session.guard';
import { RateLimitClass } from '../rate-limit/rate-limit.guard';
import { routeOf } from '../edge/route-of';
import { requestScopeOf } from '../upstream/request-scope';
import { PermissionDecisions } from './permission-decisions.service';

const REQUIRED_PERMISSION = Symbol('REQUIRED_PERMISSION');

export interface RequiredPermission {
  resource: string;
  action: string;
}

/**
 * Asks the authorization service (through the gateway's short-lived, broadcast-invalidated decision
 * cache) for every request to the route. Denied: 403 and a
 * SECURITY_PERMISSION_DENIED event. No answer, a timeout or any error: deny with 503 — never a silent allow.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly decisions: PermissionDecisions,
    private readonly audit: AuditClient,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const required = this.reflector.get<RequiredPermission | undefined>(REQUIRED_PERMISSION, context.getHandler());
    if (!required) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { session?: ValidatedSession }>();
    return this.ensure(request, required);
  }

  /** Also used by handlers whose permission depends on the request (e.g. checking another user). */
  async ensure(request: FastifyRequest & { session?: ValidatedSession }, required: RequiredPermission): Promise<true> {
    const session = request.session;
    if (!session) throw new WardenRpcError(ErrorCode.UNAUTHORIZED, 'authentication required');
    let allowed: boolean;
    try {
      allowed = await this.decisions.isAllowed(requestScopeOf(request), session.userId, required.resource, required.action);
    } catch {
      throw new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, 'permission could not be checked; denied');
    }
    if (!allowed) {
      await this.audit.logSecurityEvent(
        'PERMISSION_DENIED',
        session.userId,
        {
          userId: session.userId,
          resource: required.resource,
          action: required.action,
          route: `${request.method} ${routeOf(request).url ?? request.url.split('?')[0]}`,
        },
        { scope: requestScopeOf(request) },
      );
      throw new ForbiddenException(`missing permission ${required.resource}:${required.action}`);
    }
    return true;
  }
}

/** The route needs a session whose user holds RESOURCE:ACTION. */
export const RequirePermission = (resource: string, action: string) =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, { resource, action }),
    // Administrative routes fail closed when rate limiting cannot be decided.
    RateLimitClass(action === 'manage' ? 'admin' : 'api'),
    UseGuards(SessionGuard, PermissionGuard),
  );
