/**
 * `npm run cluster`: the topology the whole-system tests use, by hand — two replicas of every service and
 * two gateways (http://localhost:3001 and :3002), with the Discord stand-in, against the local Postgres
 * (database warden_cluster), Redis (prefix warden-cluster:) and NATS (subjects cluster.*, stream
 * AUDIT_CLUSTER), so it never mixes with `npm start`. Ctrl-C stops everything.
 */
import { startWardenCluster } from '@warden/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkLocalDependencies, ensureDatabase, START_HINTS } from './local-dependencies';

const ROOT = join(__dirname, '..');

async function main(): Promise<void> {
  const urls = {
    postgres: process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/warden_cluster',
    redis: process.env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    nats: process.env['NATS_URL'] || 'nats://127.0.0.1:4222',
  };
  const problems = await checkLocalDependencies(urls);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`[cluster] ${p.name} at ${p.url} is not reachable (${p.error}); start it with: ${START_HINTS[p.name]}\n`);
    process.exit(1);
  }
  await ensureDatabase(urls.postgres);
  if (process.env['WARDEN_SKIP_BUILD'] !== '1') {
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=tag:type:app', '--outputStyle=static'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
    if (build.status !== 0) process.exit(1);
  }
  const cluster = await startWardenCluster(
    {
      NODE_ENV: 'development',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      DATABASE_URL: urls.postgres,
      REDIS_URL: urls.redis,
      NATS_URL: urls.nats,
      REDIS_KEY_PREFIX: 'warden-cluster:',
      NATS_SUBJECT_PREFIX: 'cluster.',
      AUDIT_STREAM: 'AUDIT_CLUSTER',
      BOOTSTRAP_ADMIN_DISCORD_IDS: process.env['BOOTSTRAP_ADMIN_DISCORD_IDS'] ?? '80351110224678913',
    },
    { gatewayPorts: [3001, 3002], discordPort: 3998 },
  );
  process.stdout.write(`[cluster] two replicas of every service are up; gateways ${cluster.gateways.join(' and ')} (login: /auth/discord on the first). Ctrl-C stops.\n`);
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`[cluster] ${(error as Error).message}\n`);
  process.exit(1);
});
