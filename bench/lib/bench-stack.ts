import { FakeDiscordServer } from '@warden/discord-stand-in';
import { createIsolatedEnvironment, freePort, IsolatedEnvironment, startWardenStack, WardenStack } from '@warden/testing';

export interface BenchStack {
  environment: IsolatedEnvironment;
  stack: WardenStack;
  discord: FakeDiscordServer;
  gateway: string;
  dispose(): Promise<void>;
}

/** The six services with a Discord stand-in, in an isolated environment, logging only warnings. */
export async function startBenchStack(extraEnv: Record<string, string> = {}): Promise<BenchStack> {
  const environment = await createIsolatedEnvironment();
  const gatewayPort = await freePort();
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  const discord = new FakeDiscordServer({ clientId: 'warden-bench', clientSecret: 'bench-secret-0123', redirectUris: [`${gateway}/auth/discord/callback`] });
  const api = await discord.start();
  const stack = await startWardenStack({
    ...environment.env,
    LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(gatewayPort),
    DISCORD_CLIENT_ID: 'warden-bench',
    DISCORD_CLIENT_SECRET: 'bench-secret-0123',
    DISCORD_CALLBACK_URL: `${gateway}/auth/discord/callback`,
    DISCORD_API_URL: api,
    ...extraEnv,
  });
  return {
    environment,
    stack,
    discord,
    gateway,
    dispose: async () => {
      await stack.stop();
      await discord.stop();
      await environment.dispose();
    },
  };
}
