import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';

export const LOCAL_POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const LOCAL_NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * One test run's own corner of the shared Postgres, Redis and NATS: a database, a Redis key prefix,
 * a NATS subject prefix and an audit stream name, all derived from a random run id, removed by
 * `dispose()`. Two runs on one machine never see each other's data.
 */
export interface IsolatedEnvironment {
  readonly runId: string;
  readonly databaseName: string;
  /** Environment variables to hand to every service of this run. */
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createIsolatedEnvironment(natsUrl = LOCAL_NATS_URL): Promise<IsolatedEnvironment> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const databaseName = `warden_${runId}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${databaseName}"`));
  const databaseUrl = new URL(LOCAL_POSTGRES_URL);
  databaseUrl.pathname = `/${databaseName}`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: LOCAL_REDIS_URL,
    REDIS_KEY_PREFIX: `${runId}:`,
    NATS_URL: natsUrl,
    NATS_SUBJECT_PREFIX: `${runId}.`,
    AUDIT_STREAM: `AUDIT_${runId}`,
  };
  return {
    runId,
    databaseName,
    env,
    dispose: () => disposeEnvironment(runId, databaseName, natsUrl),
  };
}

async function disposeEnvironment(runId: string, databaseName: string, natsUrl: string): Promise<void> {
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`));
  const redis = new Redis(LOCAL_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  const nats = await connect({ servers: natsUrl, timeout: 2_000 }).catch(() => null);
  if (nats) {
    try {
      const jsm = await nats.jetstreamManager();
      await jsm.streams.delete(`AUDIT_${runId}`).catch(() => undefined);
    } finally {
      await nats.close();
    }
  }
}

async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: LOCAL_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
