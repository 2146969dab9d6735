import { startStackWithDiscord, StackWithDiscord } from '@warden/testing';

/** The six services with a Discord stand-in, in an isolated environment, logging only warnings. */
export function startBenchStack(extraEnv: Record<string, string> = {}): Promise<StackWithDiscord> {
  return startStackWithDiscord({ LOG_LEVEL: 'warn', ...extraEnv });
}
