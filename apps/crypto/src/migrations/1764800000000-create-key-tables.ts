import { MigrationInterface, QueryRunner } from 'typeorm';

/** Data keys (stored only wrapped by the KEK), the KEK's key-check value, and per-service usage counts. */
export class CreateKeyTables1764800000000 implements MigrationInterface {
  name = 'CreateKeyTables1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE crypto.kek_check (
        id integer PRIMARY KEY CHECK (id = 1),
        check_value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE crypto.data_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version integer NOT NULL UNIQUE CHECK (version > 0),
        status text NOT NULL CHECK (status IN ('active', 'retired', 'destroyed')),
        wrapped_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        destroyed_at timestamptz,
        CHECK ((status = 'destroyed') = (wrapped_key IS NULL))
      )`);
    // At most one active version, enforced by the database; the service keeps at least one.
    await runner.query(`CREATE UNIQUE INDEX data_keys_one_active ON crypto.data_keys ((true)) WHERE status = 'active'`);
    await runner.query(`
      CREATE TABLE crypto.key_usage (
        service text NOT NULL,
        version integer NOT NULL,
        count integer NOT NULL CHECK (count >= 0),
        reported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (service, version)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE crypto.key_usage');
    await runner.query('DROP TABLE crypto.data_keys');
    await runner.query('DROP TABLE crypto.kek_check');
  }
}
