import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, UseGuards } from '@nestjs/common';
import { AllowedOrigins } from './allowed-origins';
import { ErrorCode } from '@warden/contracts';
import { WardenRpcError } from '@warden/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionAuthenticator, ValidatedSession } from './session-authenticator.service';
import { readSessionCredential } from './session-credential';
import { SessionCookies } from './session-cookies';
import { requestScopeOf } from '../upstream/request-scope';

type AuthenticatedRequest = FastifyRequest & { session?: ValidatedSession };
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Accepts `Authorization: Bearer <token>` or the session cookie; anything else is 401. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly authenticator: SessionAuthenticator,
    private readonly cookies: SessionCookies,
    private readonly origins: AllowedOrigins,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    // Authenticated answers are never cached by browsers or proxies, errors included.
    void reply.header('Cache-Control', 'no-store');
    const credential = readSessionCredential(request, this.cookies.sessionName);
    if (!credential) throw new WardenRpcError(ErrorCode.UNAUTHORIZED, 'authentication required');
    const session = await this.authenticator.validateForRequest(request, credential.token, requestScopeOf(request));
    if (credential.via === 'cookie' && UNSAFE_METHODS.has(request.method) && !this.origins.isAllowed(request)) {
      // Cookie-authenticated unsafe requests must come from our own pages (CSRF); bearer tokens are exempt.
      throw new ForbiddenException('cross-site request refused: Origin (or Referer) is missing or not allowed');
    }
    request.session = { ...session, via: credential.via };
    return true;
  }
}

/** The route needs a valid session. */
export const Authenticated = () => applyDecorators(UseGuards(SessionGuard));

/** The caller's validated session (on routes marked @Authenticated()). */
export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): ValidatedSession => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().session!;
});
