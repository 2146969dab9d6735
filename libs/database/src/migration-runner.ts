import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Runs a service's pending migrations under a Postgres advisory lock, so replicas starting together
 * (or a migration Job racing a pod) apply each migration exactly once. Creates the schema first.
 */
export async function runMigrations(dataSource: DataSource, schema: string, logger = new Logger('Migrations')): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`warden:migrations:${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const names = applied.map((migration) => migration.name);
      if (names.length > 0) logger.log(`applied ${names.length} migration(s) to schema ${schema}: ${names.join(', ')}`);
      return names;
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`warden:migrations:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}
