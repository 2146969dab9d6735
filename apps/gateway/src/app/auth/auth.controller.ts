import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import { AuthLoginComplete, AuthLoginStart, AuthSessionList, AuthSessionRevoke } from '@warden/contracts';
import { RequestScope } from '@warden/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SessionAuthenticator, ValidatedSession } from './session-authenticator.service';
import { SessionCookies } from './session-cookies';
import { SanitizePolicy } from '../edge/input-sanitizer';
import { RateLimitClass } from '../rate-limit/rate-limit.guard';
import { Authenticated, CurrentSession } from './session.guard';
import { requestScopeOf, RequestScopeParam } from '../upstream/request-scope';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { ValidQuery } from '../validation/valid-input.decorators';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';

/** RFC 6749 §4.1.2.1: `error` and `error_description` are printable ASCII without `"` and `\`. */
const OAuthErrorText = (max: number) => z.string().regex(new RegExp(`^[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]{1,${max}}$`), { error: 'must be printable ASCII without " or \\' });

/** What Discord's redirect may carry, and nothing else: single strings only (a repeated parameter is refused). */
const CallbackQuery = z
  .object({
    code: z.string().max(512).optional(),
    state: z.string().max(512).optional(),
    error: OAuthErrorText(128).optional(),
    error_description: OAuthErrorText(512).optional(),
  })
  .strict();
const SessionIdParam = new ZodValidationPipe(z.uuid({ error: 'must be a UUID' }));

@Controller('auth')
export class AuthController {
  private readonly postLoginRedirect: string | undefined;

  constructor(
    private readonly rpc: ScopedRpcClient,
    private readonly cookies: SessionCookies,
    private readonly authenticator: SessionAuthenticator,
    config: AppConfig<typeof gatewayConfig.shape>,
  ) {
    this.postLoginRedirect = config.get('POST_LOGIN_REDIRECT_URL');
  }

  /** 302 to Discord's authorize URL; the state is bound to this browser by a short-lived HttpOnly cookie. */
  @Get('discord')
  @RateLimitClass('login')
  async startLogin(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const started = await this.rpc.request(requestScopeOf(request), AuthLoginStart, { ip: request.ip, userAgent: userAgentOf(request) });
    void reply
      .header('Cache-Control', 'no-store')
      .setCookie(this.cookies.loginName, started.browserBinding, this.cookies.loginOptions(new Date(started.expiresAt)))
      .redirect(started.authorizeUrl, 302);
  }

  /** Completes the login: sets the session cookie and answers `{token, expiresAt, user}` (or 302 when configured). */
  @Get('discord/callback')
  @RateLimitClass('login')
  @SanitizePolicy('none')
  async completeLogin(@ValidQuery(CallbackQuery) query: z.output<typeof CallbackQuery>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { code, state, error, error_description: errorDescription } = query;
    void reply.header('Cache-Control', 'no-store').clearCookie(this.cookies.loginName, this.cookies.clearOptions());
    const login = await this.rpc.request(requestScopeOf(request), AuthLoginComplete, {
      code,
      state,
      error,
      errorDescription,
      browserBinding: request.cookies?.[this.cookies.loginName],
      ip: request.ip,
      userAgent: userAgentOf(request),
    });
    void reply.setCookie(this.cookies.sessionName, login.token, this.cookies.sessionOptions(new Date(login.expiresAt)));
    if (this.postLoginRedirect) {
      void reply.redirect(this.postLoginRedirect, 302);
      return;
    }
    void reply.code(200).send({ token: login.token, expiresAt: login.expiresAt, user: login.user });
  }

  @Get('me')
  @Authenticated()
  me(@CurrentSession() session: ValidatedSession) {
    return {
      user: { id: session.userId, discordId: session.discordId, username: session.username, roles: session.roles },
      session: { id: session.sessionId, expiresAt: session.expiresAt },
    };
  }

  /** Revokes this session at once, on every gateway. */
  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  async logout(@CurrentSession() session: ValidatedSession, @RequestScopeParam() scope: RequestScope, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.rpc.request(scope, AuthSessionRevoke, { userId: session.userId, sessionId: session.sessionId, reason: 'logout' });
    this.authenticator.forget(session.sessionId);
    void reply.clearCookie(this.cookies.sessionName, this.cookies.clearOptions());
  }

  @Get('sessions')
  @Authenticated()
  async sessions(@CurrentSession() session: ValidatedSession, @RequestScopeParam() scope: RequestScope) {
    const { sessions } = await this.rpc.request(scope, AuthSessionList, { userId: session.userId });
    return { sessions: sessions.map((s) => ({ ...s, current: s.id === session.sessionId })) };
  }

  /** Logs out everywhere: every session of the caller, this one included. */
  @Delete('sessions')
  @HttpCode(204)
  @Authenticated()
  async revokeAll(@CurrentSession() session: ValidatedSession, @RequestScopeParam() scope: RequestScope, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const { revokedSessionIds } = await this.rpc.request(scope, AuthSessionRevoke, { userId: session.userId, all: true, reason: 'logout_everywhere' });
    revokedSessionIds.forEach((id) => this.authenticator.forget(id));
    void reply.clearCookie(this.cookies.sessionName, this.cookies.clearOptions());
  }

  /** Revokes one of the caller's own sessions; anyone else's id is 404. */
  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  async revokeOne(
    @CurrentSession() session: ValidatedSession,
    @RequestScopeParam() scope: RequestScope,
    @Param('id', SessionIdParam) id: string,
  ): Promise<void> {
    await this.rpc.request(scope, AuthSessionRevoke, { userId: session.userId, sessionId: id, reason: 'user_revoked' });
    this.authenticator.forget(id);
  }
}

function userAgentOf(request: FastifyRequest): string {
  return (request.headers['user-agent'] ?? '').slice(0, 512);
}
