import { FakeDiscordServer } from '@warden/discord-stand-in';
import { freePort } from './free-port';
import { createIsolatedEnvironment, IsolatedEnvironment } from './isolated-environment';
import { startWardenStack, WardenStack } from './warden-stack';

export const STAND_IN_CLIENT = { clientId: 'warden-it', clientSecret: 'it-secret-0123456789' } as const;

export interface StackWithDiscord {
  environment: IsolatedEnvironment;
  discord: FakeDiscordServer;
  stack: WardenStack;
  /** The gateway's base URL. */
  gateway: string;
  /** What every service was started with (without GATEWAY_PORT): for starting more processes alike. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * The six services in an isolated environment, with a Discord stand-in registered for the gateway's
 * callback — what most suites (and the benchmarks) start with. `extraEnv` goes to every service.
 */
export async function startStackWithDiscord(extraEnv: Record<string, string> = {}): Promise<StackWithDiscord> {
  const environment = await createIsolatedEnvironment();
  const port = await freePort();
  const gateway = `http://127.0.0.1:${port}`;
  const discord = new FakeDiscordServer({ ...STAND_IN_CLIENT, redirectUris: [`${gateway}/auth/discord/callback`] });
  const api = await discord.start();
  const env = {
    ...environment.env,
    DISCORD_CLIENT_ID: STAND_IN_CLIENT.clientId,
    DISCORD_CLIENT_SECRET: STAND_IN_CLIENT.clientSecret,
    DISCORD_CALLBACK_URL: `${gateway}/auth/discord/callback`,
    DISCORD_API_URL: api,
    ...extraEnv,
  };
  let stack: WardenStack;
  try {
    stack = await startWardenStack({ ...env, GATEWAY_PORT: String(port) });
  } catch (error) {
    await discord.stop();
    await environment.dispose();
    throw error;
  }
  return {
    environment,
    discord,
    stack,
    gateway,
    env,
    dispose: async () => {
      await stack.stop();
      await discord.stop();
      await environment.dispose();
    },
  };
}
