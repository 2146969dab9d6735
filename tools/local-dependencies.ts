import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';

export interface DependencyProblem {
  name: 'postgres' | 'redis' | 'nats';
  url: string;
  error: string;
}

/** How to start each dependency on a machine without it. */
export const START_HINTS: Record<DependencyProblem['name'], string> = {
  postgres: "docker compose up -d postgres   (or: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)",
  redis: "docker compose up -d redis      (or: redis-server --daemonize yes --bind 127.0.0.1 --port 6379)",
  nats: 'docker compose --profile local-deps up -d nats-local   (or: nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server &)',
};

/** Checks that Postgres, Redis and NATS answer, each within 3 s; returns what does not. */
export async function checkLocalDependencies(urls: { postgres: string; redis: string; nats: string }): Promise<DependencyProblem[]> {
  const problems: DependencyProblem[] = [];
  const postgresAdminUrl = new URL(urls.postgres);
  postgresAdminUrl.pathname = '/postgres';
  await Promise.all([
    (async () => {
      const client = new Client({ connectionString: postgresAdminUrl.toString(), connectionTimeoutMillis: 3_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } catch (error) {
        problems.push({ name: 'postgres', url: redact(urls.postgres), error: (error as Error).message });
      } finally {
        await client.end().catch(() => undefined);
      }
    })(),
    (async () => {
      const redis = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        await redis.ping();
      } catch (error) {
        problems.push({ name: 'redis', url: redact(urls.redis), error: (error as Error).message });
      } finally {
        redis.disconnect();
      }
    })(),
    (async () => {
      try {
        const nc = await connect({ servers: urls.nats.split(','), timeout: 3_000, reconnect: false });
        const jsm = await nc.jetstreamManager().catch(() => null);
        await nc.close();
        if (!jsm) throw new Error('JetStream is not enabled (start nats-server with -js)');
      } catch (error) {
        problems.push({ name: 'nats', url: urls.nats, error: (error as Error).message });
      }
    })(),
  ]);
  return problems;
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return true;
    }
    return false;
  } finally {
    await client.end();
  }
}

/**
 * Which of the tables holding data sealed by a master key have rows: `crypto.kek_check` (KMS_MASTER_KEY
 * wrapped the data keys) and `audit.checkpoints` (AUDIT_CHECKPOINT_KEY signed them).
 */
export async function sealedTablesWithData(url: string): Promise<Array<'crypto.kek_check' | 'audit.checkpoints'>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const held: Array<'crypto.kek_check' | 'audit.checkpoints'> = [];
    for (const table of ['crypto.kek_check', 'audit.checkpoints'] as const) {
      const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
      // The name is one of the two constants above, never input.
      if (exists.rows[0]?.found && ((await client.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount ?? 0) > 0) held.push(table);
    }
    return held;
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
