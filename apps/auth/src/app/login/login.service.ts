import { Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { AppConfig, authConfig } from '@warden/config';
import { ErrorCode, ReplyOf, ValidRequestOf, AuthLoginComplete, AuthLoginStart } from '@warden/contracts';
import { rpcError } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DiscordCallError, DiscordOAuthClient, DiscordTokens } from '../discord/discord-oauth.client';
import { DiscordTokenStore } from '../discord-tokens/discord-token.store';
import { RoleProvisioningService } from '../roles/role-provisioning.service';
import { SessionService } from '../sessions/session.service';
import { generateSecret, sha256 } from '../sessions/session-token';
import { UserRepository } from '../users/user.repository';
import { OAuthStateRepository } from './oauth-state.repository';

export const STATE_TTL_MS = 10 * 60 * 1000;
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

type LoginFailureReason =
  | 'state_missing'
  | 'state_unknown'
  | 'state_reused'
  | 'state_expired'
  | 'state_browser_mismatch'
  | 'access_denied'
  | 'discord_error'
  | 'code_missing'
  | 'code_rejected'
  | 'discord_unavailable';

/** The seed's login flow: redirect to Discord, then the callback creates the user and a session. */
@Injectable()
export class LoginService {
  private readonly bootstrapAdmins: ReadonlySet<string>;

  constructor(
    private readonly states: OAuthStateRepository,
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
    private readonly discord: DiscordOAuthClient,
    private readonly roles: RoleProvisioningService,
    private readonly discordTokens: DiscordTokenStore,
    private readonly audit: AuditClient,
    private readonly clock: Clock,
    config: AppConfig<typeof authConfig.shape>,
  ) {
    this.bootstrapAdmins = new Set(config.get('BOOTSTRAP_ADMIN_DISCORD_IDS'));
  }

  async start(request: ValidRequestOf<typeof AuthLoginStart>): Promise<ReplyOf<typeof AuthLoginStart>> {
    const state = generateSecret();
    const browserBinding = generateSecret();
    const codeVerifier = generateSecret();
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + STATE_TTL_MS);
    await this.states.create({ stateHash: sha256(state), bindingHash: sha256(browserBinding), codeVerifier, ip: request.ip, now, expiresAt });
    return { authorizeUrl: this.discord.authorizeUrl(state, codeChallenge), browserBinding, expiresAt: expiresAt.toISOString() };
  }

  async complete(request: ValidRequestOf<typeof AuthLoginComplete>): Promise<ReplyOf<typeof AuthLoginComplete>> {
    const client = { ip: request.ip, userAgent: request.userAgent };
    if (!request.state || !STATE_PATTERN.test(request.state)) {
      throw await this.failure('state_missing', ErrorCode.INVALID_STATE, 'missing or malformed state', client);
    }
    const lookup = await this.states.consume(sha256(request.state), this.clock.now());
    if (lookup.kind === 'unknown') throw await this.failure('state_unknown', ErrorCode.INVALID_STATE, 'unknown login state', client);
    if (lookup.kind === 'reused') throw await this.failure('state_reused', ErrorCode.INVALID_STATE, 'login state already used', client);
    const { state } = lookup;
    if (state.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw await this.failure('state_expired', ErrorCode.INVALID_STATE, 'login state expired; start again', client);
    }
    // Login CSRF: the state must come back to the browser that started the login.
    if (!request.browserBinding || !constantTimeEqual(sha256(request.browserBinding), state.bindingHash)) {
      throw await this.failure('state_browser_mismatch', ErrorCode.INVALID_STATE, 'login was started in another browser', client);
    }
    if (request.error) {
      if (request.error === 'access_denied') throw await this.failure('access_denied', ErrorCode.LOGIN_DENIED, 'access was denied at Discord', client);
      throw await this.failure('discord_error', ErrorCode.LOGIN_DENIED, 'Discord did not authorize the login', client, { discordError: request.error.slice(0, 64) });
    }
    if (!request.code) throw await this.failure('code_missing', ErrorCode.BAD_REQUEST, 'missing code', client);

    let identity;
    let tokens: DiscordTokens;
    try {
      tokens = await this.discord.exchangeCode(request.code, state.codeVerifier);
      identity = await this.discord.fetchIdentity(tokens.accessToken);
    } catch (error) {
      if (error instanceof DiscordCallError && error.kind === 'rejected') {
        throw await this.failure('code_rejected', ErrorCode.DISCORD_REJECTED, 'Discord refused the authorization code', client, { detail: error.detail });
      }
      throw await this.failure('discord_unavailable', ErrorCode.DISCORD_UNAVAILABLE, 'Discord is unavailable; try again', client, {
        detail: error instanceof DiscordCallError ? error.detail : 'unexpected error',
      });
    }

    const { user, created } = await this.users.upsertFromDiscord(identity, this.clock.now());
    if (created) {
      const admin = this.bootstrapAdmins.has(user.discordId);
      await this.roles.provision(user.id, admin ? ['admin', 'user'] : ['user'], admin ? 'bootstrap_admin' : 'first_login');
    }
    await this.discordTokens.store(user.id, tokens);
    const session = await this.sessions.create(user.id, client);
    await this.audit.logSecurityEvent('LOGIN_SUCCESS', user.id, { userId: user.id, sessionId: session.sessionId, ip: client.ip, userAgent: client.userAgent, newUser: created }, client);
    return { token: session.token, sessionId: session.sessionId, expiresAt: session.expiresAt, user, newUser: created };
  }

  private async failure(
    reason: LoginFailureReason,
    code: ErrorCode,
    message: string,
    client: { ip: string; userAgent: string },
    extra: Record<string, unknown> = {},
  ) {
    await this.audit.logSecurityEvent('LOGIN_FAILED', null, { reason, ip: client.ip, userAgent: client.userAgent, ...extra }, client);
    return rpcError(code, message);
  }
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
