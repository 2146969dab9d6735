import { FakeDiscordServer } from '@warden/discord-stand-in';

export interface StartedLogin {
  /** Discord's authorize URL the gateway redirected to. */
  authorizeUrl: URL;
  /** The login-binding cookie, as `name=value`, to send back with the callback. */
  bindingCookie: string;
  state: string;
}

export interface CompletedLogin {
  token: string;
  expiresAt: string;
  user: { id: string; discordId: string; username: string };
  /** The session cookie as `name=value`. */
  sessionCookie: string;
  setCookie: string[];
}

/** GET /auth/discord, as a browser would, without following the redirect. */
export async function startLogin(gatewayUrl: string): Promise<StartedLogin> {
  const response = await fetch(`${gatewayUrl}/auth/discord`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`GET /auth/discord answered ${response.status}: ${await response.text()}`);
  const authorizeUrl = new URL(response.headers.get('location')!);
  const bindingCookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  return { authorizeUrl, bindingCookie, state: authorizeUrl.searchParams.get('state')! };
}

/** The callback URL Discord would send the browser to after the user's decision. */
export function consentAt(discord: FakeDiscordServer, started: StartedLogin, discordUserId: string, approve = true): string {
  const result = discord.consent(started.authorizeUrl.searchParams, discordUserId, approve);
  if (!result.location) throw new Error(`fake Discord refused the authorize request: ${result.error}`);
  return result.location;
}

export async function callGatewayCallback(callbackUrl: string, gatewayUrl: string, cookie?: string): Promise<Response> {
  const url = new URL(callbackUrl);
  return fetch(`${gatewayUrl}${url.pathname}${url.search}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

/** A whole login through the gateway and the fake Discord. */
export async function loginThroughGateway(gatewayUrl: string, discord: FakeDiscordServer, discordUserId: string): Promise<CompletedLogin> {
  const started = await startLogin(gatewayUrl);
  const response = await callGatewayCallback(consentAt(discord, started, discordUserId), gatewayUrl, started.bindingCookie);
  if (response.status !== 200) throw new Error(`callback answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as Omit<CompletedLogin, 'sessionCookie' | 'setCookie'>;
  const setCookie = response.headers.getSetCookie();
  const sessionCookie = setCookie.find((c) => /^(__Host-)?session=/.test(c))!.split(';')[0]!;
  return { ...body, sessionCookie, setCookie };
}
