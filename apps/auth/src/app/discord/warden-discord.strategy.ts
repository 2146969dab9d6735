import { Strategy as DiscordStrategy } from 'passport-discord';

type ProfileCallback = (error: unknown, profile?: unknown) => void;

/**
 * passport-discord with every URL under DISCORD_API_URL and the API version pinned to v10 (the package
 * hard-codes discord.com and the unversioned API, which Discord serves as deprecated v6). Its scope
 * checks for guilds/connections (which double-callback on error) are never used: we only ask identify
 * and email.
 */
export class WardenDiscordStrategy extends DiscordStrategy {
  readonly apiBase: string;

  constructor(options: { apiUrl: string; clientId: string; clientSecret: string; callbackUrl: string; scopes: string[] }) {
    const apiBase = `${options.apiUrl.replace(/\/+$/, '')}/v10`;
    super(
      {
        clientID: options.clientId,
        clientSecret: options.clientSecret,
        callbackURL: options.callbackUrl,
        scope: options.scopes,
        authorizationURL: `${apiBase}/oauth2/authorize`,
        tokenURL: `${apiBase}/oauth2/token`,
      },
      // Warden completes logins itself (in a NATS handler, not an Express route), so passport's verify is unused.
      () => undefined,
    );
    this.apiBase = apiBase;
  }

  override userProfile(accessToken: string, done: ProfileCallback): void {
    this.oauth2.get(`${this.apiBase}/users/@me`, accessToken, (error, body) => {
      if (error) return done(error);
      try {
        return done(null, JSON.parse(String(body)));
      } catch {
        return done(new Error('malformed profile from Discord'));
      }
    });
  }

  /** The underlying node-oauth client (token exchange, authorize URL). */
  get oauth2(): OAuth2Like {
    return (this as unknown as { _oauth2: OAuth2Like })._oauth2;
  }
}

export interface OAuth2Like {
  getAuthorizeUrl(params: Record<string, string>): string;
  getOAuthAccessToken(
    code: string,
    params: Record<string, string>,
    callback: (error: { statusCode?: number; data?: unknown } | null, accessToken?: string, refreshToken?: string, results?: Record<string, unknown>) => void,
  ): void;
  get(url: string, accessToken: string, callback: (error: { statusCode?: number; data?: unknown } | null, body?: unknown) => void): void;
}
