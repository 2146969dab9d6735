/**
 * The Discord stand-in as a process of its own, for `docker compose --profile dev`: a faithful local fake
 * of Discord's OAuth2 and users/@me (libs/discord-stand-in). Never for production: it logs anyone in.
 * Settings: DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_CALLBACK_URL (the one redirect URI it
 * accepts), DISCORD_STAND_IN_PORT (default 4000).
 */
import { FakeDiscordServer } from '@warden/discord-stand-in';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`discord-stand-in: ${name} is required\n`);
    process.exit(78);
  }
  return value;
}

async function main(): Promise<void> {
  if (process.env['NODE_ENV'] === 'production') {
    process.stderr.write('discord-stand-in: refusing to run with NODE_ENV=production\n');
    process.exit(78);
  }
  const server = new FakeDiscordServer({
    clientId: required('DISCORD_CLIENT_ID'),
    clientSecret: required('DISCORD_CLIENT_SECRET'),
    redirectUris: [required('DISCORD_CALLBACK_URL')],
    port: Number(process.env['DISCORD_STAND_IN_PORT'] ?? 4000),
    host: '0.0.0.0',
  });
  const url = await server.start();
  process.stdout.write(`discord-stand-in: FAKE Discord API for development at ${url} (not real Discord accounts)\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
