import { Injectable } from '@nestjs/common';
import { AppConfig, authConfig } from '@warden/config';
import { withTimeout } from '@warden/service-host';
import { z } from 'zod';
import { DiscordIdentity } from '../users/user.repository';
import { WardenDiscordStrategy } from './warden-discord.strategy';

/** Why a call to Discord failed: it refused (bad or reused code, bad verifier) or could not be reached. */
export class DiscordCallError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    readonly detail: string,
  ) {
    super(`Discord ${kind}: ${detail}`);
  }
}

const DiscordUser = z.object({
  id: z.string().regex(/^\d{1,22}$/),
  username: z.string().min(1).max(64),
  global_name: z.string().max(64).nullable().optional(),
  avatar: z.string().max(128).nullable().optional(),
  email: z.string().max(320).nullable().optional(),
});

const DISCORD_TIMEOUT_MS = 10_000;

export interface DiscordTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresIn: number | null;
  scope: string;
}

/** Discord's OAuth2 through passport-discord: authorize URL, code exchange with PKCE, the user's profile. */
@Injectable()
export class DiscordOAuthClient {
  private readonly strategy: WardenDiscordStrategy;
  private readonly scopes: string[];
  private readonly callbackUrl: string;

  constructor(config: AppConfig<typeof authConfig.shape>) {
    this.scopes = config.get('DISCORD_REQUEST_EMAIL') ? ['identify', 'email'] : ['identify'];
    this.callbackUrl = config.get('DISCORD_CALLBACK_URL');
    this.strategy = new WardenDiscordStrategy({
      apiUrl: config.get('DISCORD_API_URL'),
      clientId: config.get('DISCORD_CLIENT_ID'),
      clientSecret: config.get('DISCORD_CLIENT_SECRET'),
      callbackUrl: this.callbackUrl,
      scopes: this.scopes,
    });
  }

  authorizeUrl(state: string, codeChallenge: string): string {
    return this.strategy.oauth2.getAuthorizeUrl({
      response_type: 'code',
      redirect_uri: this.callbackUrl,
      scope: this.scopes.join(' '),
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  /** Exchanges the code (with the PKCE verifier) for Discord's tokens. They are never logged; stored only encrypted. */
  async exchangeCode(code: string, codeVerifier: string): Promise<DiscordTokens> {
    const call = new Promise<DiscordTokens>((resolve, reject) => {
      this.strategy.oauth2.getOAuthAccessToken(
        code,
        { grant_type: 'authorization_code', redirect_uri: this.callbackUrl, code_verifier: codeVerifier },
        (error, accessToken, refreshToken, results) => {
          if (error) return reject(classify(error, 'token exchange'));
          if (!accessToken) return reject(new DiscordCallError('unavailable', 'token exchange returned no access token'));
          const expiresIn = Number(results?.['expires_in']);
          resolve({
            accessToken,
            refreshToken: refreshToken || null,
            expiresIn: Number.isFinite(expiresIn) ? expiresIn : null,
            scope: typeof results?.['scope'] === 'string' ? (results['scope'] as string) : '',
          });
        },
      );
    });
    return withTimeout(call, DISCORD_TIMEOUT_MS, 'token exchange timed out').catch((error: unknown): never => {
      throw error instanceof DiscordCallError ? error : new DiscordCallError('unavailable', (error as Error).message);
    });
  }

  async fetchIdentity(accessToken: string): Promise<DiscordIdentity> {
    const call = new Promise<unknown>((resolve, reject) => {
      this.strategy.userProfile(accessToken, (error, profile) => (error ? reject(classify(error, 'users/@me')) : resolve(profile)));
    });
    const profile = await withTimeout(call, DISCORD_TIMEOUT_MS, 'users/@me timed out').catch((error: unknown) => {
      throw error instanceof DiscordCallError ? error : new DiscordCallError('unavailable', (error as Error).message);
    });
    const parsed = DiscordUser.safeParse(profile);
    if (!parsed.success) throw new DiscordCallError('unavailable', 'users/@me answered an unexpected shape');
    return {
      discordId: parsed.data.id,
      username: parsed.data.username,
      globalName: parsed.data.global_name ?? null,
      avatar: parsed.data.avatar ?? null,
      email: parsed.data.email ?? null,
    };
  }
}

/** 4xx from Discord means it refused; no status (network) or 5xx/429 means it is unavailable. */
function classify(error: unknown, what: string): DiscordCallError {
  const status = (error as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429) {
    return new DiscordCallError('rejected', `${what} refused (${status})`);
  }
  return new DiscordCallError('unavailable', `${what} failed (${typeof status === 'number' ? status : 'network error'})`);
}
