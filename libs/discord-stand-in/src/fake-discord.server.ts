import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A Discord user as `GET /users/@me` returns it. */
export interface FakeDiscordUser {
  id: string;
  username: string;
  global_name: string | null;
  avatar: string | null;
  email?: string | null;
  verified?: boolean;
}

export interface FakeDiscordOptions {
  clientId: string;
  clientSecret: string;
  /** Redirect URIs registered for the application (exact match, as Discord checks). */
  redirectUris: string[];
  users?: FakeDiscordUser[];
  port?: number;
  host?: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
}

interface IssuedToken {
  userId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

type Endpoint = 'token' | 'users/@me' | 'revoke';

/**
 * A local stand-in for Discord's OAuth2 API (authorize, token, token/revoke, users/@me), faithful to
 * what Warden relies on: registered redirect URIs, single-use short-lived codes, PKCE S256, client
 * authentication in the body or HTTP Basic, `invalid_grant` for a bad or reused code, Bearer tokens
 * for users/@me. Used by tests and by `npm start` when no Discord credentials are configured. Routes
 * are served under /api and /api/v10, as Discord does.
 */
export class FakeDiscordServer {
  private server: Server | null = null;
  private readonly users = new Map<string, FakeDiscordUser>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly accessTokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, IssuedToken>();
  private readonly failures = new Map<Endpoint, number>();
  /** Count of requests per endpoint, for tests that assert what reached "Discord". */
  readonly calls: Record<Endpoint | 'authorize', number> = { authorize: 0, token: 0, 'users/@me': 0, revoke: 0 };
  /** Injected clock (ms); tests move it to expire codes and tokens. */
  now: () => number = () => Date.now();
  baseUrl = '';

  constructor(private readonly options: FakeDiscordOptions) {
    for (const user of options.users ?? DEFAULT_USERS) this.users.set(user.id, user);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch(() => json(res, 500, { message: '500: Internal Server Error', code: 0 }));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${this.options.host ?? '127.0.0.1'}:${port}/api`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  /** Every access and refresh token issued so far (tests prove none of them is stored in clear). */
  issuedTokens(): string[] {
    return [...this.accessTokens.keys(), ...this.refreshTokens.keys()];
  }

  addUser(user: FakeDiscordUser): void {
    this.users.set(user.id, user);
  }

  /** The next `count` calls to `endpoint` answer with `status` (e.g. 500, 503) instead of working. */
  failNext(endpoint: Endpoint, status: number): void {
    this.failures.set(endpoint, status);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * What the browser gets when the user clicks "Authorize" (or "Cancel") on Discord's consent screen:
   * the 302 Location. Tests call this to skip the HTML page.
   */
  consent(query: URLSearchParams, userId: string, approve: boolean): { status: number; location?: string; error?: string } {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    if (clientId !== this.options.clientId) return { status: 400, error: 'Unknown application' };
    if (!this.options.redirectUris.includes(redirectUri)) return { status: 400, error: 'Invalid OAuth2 redirect_uri' };
    const target = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    const fail = (error: string, description: string) => {
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      return { status: 302, location: target.toString() };
    };
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const scopes = (query.get('scope') ?? '').split(/[ +]/).filter(Boolean);
    if (!scopes.includes('identify') || scopes.some((s) => !['identify', 'email'].includes(s))) return fail('invalid_scope', 'The requested scope is invalid.');
    const method = query.get('code_challenge_method');
    const challenge = query.get('code_challenge');
    if (challenge && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    if (!approve) return fail('access_denied', 'The resource owner or authorization server denied the request');
    if (!this.users.has(userId)) return { status: 400, error: 'Unknown user' };
    const code = randomBytes(15).toString('base64url');
    this.codes.set(code, {
      clientId,
      redirectUri,
      userId,
      scopes,
      codeChallenge: challenge,
      expiresAt: this.now() + 10 * 60 * 1000,
      used: false,
    });
    target.searchParams.delete('error');
    target.searchParams.set('code', code);
    return { status: 302, location: target.toString() };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api(\/v\d+)?/, '');
    if (req.method === 'GET' && path === '/oauth2/authorize') return this.authorizePage(url.searchParams, res);
    if (req.method === 'POST' && path === '/oauth2/authorize') {
      const form = new URLSearchParams(await readBody(req));
      const result = this.consent(new URLSearchParams(form.get('query') ?? ''), form.get('user_id') ?? '', form.get('decision') === 'approve');
      if (result.location) {
        res.writeHead(302, { Location: result.location }).end();
      } else {
        json(res, result.status, { message: result.error, code: 50035 });
      }
      return;
    }
    if (req.method === 'POST' && path === '/oauth2/token') return this.token(req, res);
    if (req.method === 'POST' && path === '/oauth2/token/revoke') return this.revoke(req, res);
    if (req.method === 'GET' && path === '/users/@me') return this.me(req, res);
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  /** Discord's consent screen, reduced to what a person (or headless Chromium) needs to click. */
  private authorizePage(query: URLSearchParams, res: ServerResponse): void {
    this.calls.authorize += 1;
    if (query.get('client_id') !== this.options.clientId || !this.options.redirectUris.includes(query.get('redirect_uri') ?? '')) {
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' }).end('<h1>Invalid OAuth2 application or redirect_uri</h1>');
      return;
    }
    const options = [...this.users.values()]
      .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.global_name ?? u.username)} (@${escapeHtml(u.username)})</option>`)
      .join('');
    const hiddenQuery = `<input type="hidden" name="query" value="${escapeHtml(query.toString())}">`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html><head><title>Discord (local stand-in): authorize</title></head>
<body>
<p><strong>Local development stand-in for Discord.</strong> No real Discord account is involved.</p>
<form method="post" action="">
  ${hiddenQuery}
  <label>Log in as <select name="user_id" id="user">${options}</select></label>
  <button type="submit" name="decision" value="approve" id="authorize">Authorize</button>
  <button type="submit" name="decision" value="deny" id="cancel">Cancel</button>
</form>
</body></html>`);
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls.token += 1;
    if (this.injectedFailure('token', res)) return;
    const form = new URLSearchParams(await readBody(req));
    if (!this.clientAuthenticated(req, form)) return json(res, 401, { error: 'invalid_client' });
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.used || code.expiresAt < this.now() || code.redirectUri !== form.get('redirect_uri')) {
        if (code) code.used = true;
        return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
      }
      code.used = true;
      if (code.codeChallenge) {
        const verifier = form.get('code_verifier') ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (!safeEqual(computed, code.codeChallenge)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid "code_verifier" in request.' });
        }
      }
      return json(res, 200, this.issueTokens(code.userId, code.scopes));
    }
    if (grantType === 'refresh_token') {
      const refresh = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!refresh || refresh.revoked) return json(res, 400, { error: 'invalid_grant' });
      refresh.revoked = true;
      return json(res, 200, this.issueTokens(refresh.userId, refresh.scopes));
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  }

  private async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls.revoke += 1;
    if (this.injectedFailure('revoke', res)) return;
    const form = new URLSearchParams(await readBody(req));
    if (!this.clientAuthenticated(req, form)) return json(res, 401, { error: 'invalid_client' });
    const token = form.get('token') ?? '';
    const issued = this.accessTokens.get(token) ?? this.refreshTokens.get(token);
    if (issued) issued.revoked = true;
    json(res, 200, {});
  }

  private me(req: IncomingMessage, res: ServerResponse): void {
    this.calls['users/@me'] += 1;
    if (this.injectedFailure('users/@me', res)) return;
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = match ? this.accessTokens.get(match[1]!) : undefined;
    if (!token || token.revoked || token.expiresAt < this.now()) return json(res, 401, { message: '401: Unauthorized', code: 0 });
    const user = this.users.get(token.userId)!;
    const body: Record<string, unknown> = {
      id: user.id,
      username: user.username,
      discriminator: '0',
      global_name: user.global_name,
      avatar: user.avatar,
      mfa_enabled: false,
      locale: 'en-US',
      flags: 0,
      premium_type: 0,
      public_flags: 0,
    };
    if (token.scopes.includes('email')) {
      body['email'] = user.email ?? null;
      body['verified'] = user.verified ?? true;
    }
    json(res, 200, body);
  }

  private issueTokens(userId: string, scopes: string[]) {
    const accessToken = randomBytes(24).toString('base64url');
    const refreshToken = randomBytes(24).toString('base64url');
    const expiresIn = 604_800;
    const record = { userId, scopes, expiresAt: this.now() + expiresIn * 1000, revoked: false };
    this.accessTokens.set(accessToken, record);
    this.refreshTokens.set(refreshToken, { ...record, expiresAt: Number.MAX_SAFE_INTEGER });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, refresh_token: refreshToken, scope: scopes.join(' ') };
  }

  private clientAuthenticated(req: IncomingMessage, form: URLSearchParams): boolean {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    return id === this.options.clientId && safeEqual(secret ?? '', this.options.clientSecret);
  }

  private injectedFailure(endpoint: Endpoint, res: ServerResponse): boolean {
    const status = this.failures.get(endpoint);
    if (status === undefined) return false;
    this.failures.delete(endpoint);
    json(res, status, { message: `${status}: injected failure`, code: 0 });
    return true;
  }
}

/** The stand-in's two users: tests log in as them (Ada is usually the bootstrap admin). */
export const STAND_IN_DISCORD_IDS = { nelly: '80351110224678912', ada: '80351110224678913' } as const;

export const DEFAULT_USERS: FakeDiscordUser[] = [
  { id: STAND_IN_DISCORD_IDS.nelly, username: 'nelly', global_name: 'Nelly', avatar: '8342729096ea3675442027381ff50dfe', email: 'nelly@example.com', verified: true },
  { id: STAND_IN_DISCORD_IDS.ada, username: 'ada', global_name: 'Ada', avatar: null, email: 'ada@example.com', verified: true },
];

function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
