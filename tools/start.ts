/**
 * `npm start`: the whole of Warden on one machine. Checks Postgres, Redis and NATS; builds the six
 * apps; applies every service's migrations; starts the Discord stand-in when no Discord credentials
 * are configured; starts the six services; waits for the gateway's /readyz. Ctrl-C stops everything.
 */
import { FakeDiscordServer } from '@warden/discord-stand-in';
import { SERVICE_NODE_FLAGS } from '@warden/config';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkLocalDependencies, ensureDatabase, sealedTablesWithData, START_HINTS } from './local-dependencies';

const ROOT = join(__dirname, '..');
const APPS = ['auth', 'authz', 'crypto', 'audit', 'scheduler', 'gateway'] as const;
const DATABASE_APPS = ['auth', 'authz', 'crypto', 'audit', 'scheduler'] as const;
const started = Date.now();

function say(message: string): void {
  process.stdout.write(`[warden] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`[warden] ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const env: Record<string, string> = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const production = env['NODE_ENV'] === 'production';
  const urls = {
    postgres: env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/warden',
    redis: env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    nats: env['NATS_URL'] || 'nats://127.0.0.1:4222',
  };

  const problems = await checkLocalDependencies(urls);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  - ${p.name} at ${p.url} is not reachable (${p.error})\n      start it with: ${START_HINTS[p.name]}`);
    fail(`Warden needs Postgres, Redis and NATS (JetStream) running:\n${lines.join('\n')}`);
  }
  if (await ensureDatabase(urls.postgres)) say(`created database ${new URL(urls.postgres).pathname.slice(1)}`);
  if (!production) await refuseLostDevelopmentKeys(env, urls.postgres);

  if (env['WARDEN_SKIP_BUILD'] !== '1') {
    say('building the six apps…');
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--outputStyle=static'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...env, NX_DAEMON: 'false' },
    });
    if (build.status !== 0) fail('build failed');
  }

  for (const app of DATABASE_APPS) {
    const migrate = spawnSync(process.execPath, [join(ROOT, 'dist/apps', app, 'main.js'), 'migrate'], { cwd: ROOT, env: withDevelopmentKeys(env, production), encoding: 'utf8' });
    if (migrate.status !== 0) fail(`migrations of ${app} failed:\n${migrate.stderr || migrate.stdout}`);
    process.stdout.write(`[warden] ${migrate.stdout.trim().split('\n').slice(-1)[0]}\n`);
  }

  let discord: FakeDiscordServer | null = null;
  if (!env['DISCORD_CLIENT_ID']) {
    if (production) fail('DISCORD_CLIENT_ID is not set and NODE_ENV=production: the Discord stand-in never runs in production');
    const port = Number(env['DISCORD_STAND_IN_PORT'] || 3999);
    const callback = env['DISCORD_CALLBACK_URL'] || `http://localhost:${env['GATEWAY_PORT'] || 3000}/auth/discord/callback`;
    const clientSecret = randomBytes(24).toString('base64url');
    discord = new FakeDiscordServer({ clientId: 'warden-local-dev', clientSecret, redirectUris: [callback], port, host: '127.0.0.1' });
    const apiUrl = await discord.start();
    Object.assign(env, { DISCORD_CLIENT_ID: 'warden-local-dev', DISCORD_CLIENT_SECRET: clientSecret, DISCORD_API_URL: apiUrl, DISCORD_CALLBACK_URL: callback });
    say('================================================================================');
    say(`WARNING: no DISCORD_CLIENT_ID configured — using the LOCAL DISCORD STAND-IN at ${apiUrl}.`);
    say('It is a fake for development: logins through it are not real Discord accounts.');
    say('================================================================================');
  }

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await Promise.all(
      [...children.entries()].map(
        ([, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
          }),
      ),
    );
    await discord?.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  for (const app of APPS) {
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(ROOT, 'dist/apps', app, 'main.js')], {
      cwd: ROOT,
      env: withDevelopmentKeys(env, production),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${app.padEnd(9)}] ${line}\n`));
    }
    child.once('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`[warden] ${app} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything\n`);
        void stopAll(1);
      }
    });
    children.set(app, child);
  }

  const gateway = `http://127.0.0.1:${env['GATEWAY_PORT'] || 3000}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${gateway}/readyz`).then((r) => r.status === 200).catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      process.stderr.write(`[warden] the gateway was not ready within 60 s; see ${gateway}/readyz\n`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  say(`Warden is up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${gateway.replace('127.0.0.1', 'localhost')} (login: /auth/discord, readiness: /readyz). Ctrl-C stops it.`);
}

const developmentKeyFile = (fileName: string) => join(ROOT, '.warden', fileName);

const DEVELOPMENT_KEYS = [
  { variable: 'KMS_MASTER_KEY', fileName: 'dev-kms-master-key', sealedTable: 'crypto.kek_check' },
  { variable: 'AUDIT_CHECKPOINT_KEY', fileName: 'dev-audit-checkpoint-key', sealedTable: 'audit.checkpoints' },
] as const;

/**
 * A development key is generated when .warden/ lacks it; if the database already holds data sealed by an
 * earlier one (another checkout's .warden/, or a deleted one), a new key could never open it: crypto
 * would refuse to start on the key check. Say so before anything starts, and what to do.
 */
async function refuseLostDevelopmentKeys(env: Record<string, string>, databaseUrl: string): Promise<void> {
  const missing = DEVELOPMENT_KEYS.filter((key) => !env[key.variable] && !existsSync(developmentKeyFile(key.fileName)));
  if (missing.length === 0) return;
  const held = await sealedTablesWithData(databaseUrl);
  const lost = missing.filter((key) => held.includes(key.sealedTable));
  if (lost.length === 0) return;
  const database = new URL(databaseUrl).pathname.slice(1);
  fail(
    [
      `the database ${database} holds data sealed by a development ${lost.map((k) => k.variable).join(' and ')} that this checkout does not have`,
      `(${lost.map((k) => `.warden/${k.fileName}`).join(', ')} missing: made by another checkout, or deleted). Either`,
      `  - copy .warden/ here from the checkout that ran npm start before, or set ${lost.map((k) => k.variable).join(' and ')}; or`,
      `  - start from empty local data, losing every local user, session, key and audit event: drop the database`,
      `    (e.g. psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE "${database}"') and run npm start again.`,
    ].join('\n'),
  );
}

/**
 * Production needs KMS_MASTER_KEY and AUDIT_CHECKPOINT_KEY; locally development keys are generated once
 * and kept in .warden/ (git-ignored), with a warning.
 */
function withDevelopmentKeys(env: Record<string, string>, production: boolean): Record<string, string> {
  if (production) return env;
  const withKey = (variable: string, fileName: string, current: Record<string, string>) => {
    if (current[variable]) return current;
    const file = developmentKeyFile(fileName);
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(file, 0o600);
      say(`WARNING: generated a DEVELOPMENT ${variable} in ${file}. Never use it in production; set ${variable} there.`);
    }
    return { ...current, [variable]: readFileSync(file, 'utf8').trim() };
  };
  return DEVELOPMENT_KEYS.reduce((current, key) => withKey(key.variable, key.fileName, current), env);
}

main().catch((error: unknown) => fail(`start failed: ${(error as Error).message}`));
