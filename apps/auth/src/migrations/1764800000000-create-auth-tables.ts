import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, sessions (token hashes only), single-use OAuth states, and the role hand-over outbox. */
export class CreateAuthTables1764800000000 implements MigrationInterface {
  name = 'CreateAuthTables1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE auth.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        discord_id text NOT NULL UNIQUE,
        username text NOT NULL,
        global_name text,
        avatar text,
        email text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        last_login_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE auth.sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        ip text NOT NULL,
        last_ip text NOT NULL,
        user_agent text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await runner.query(`CREATE INDEX sessions_active_by_user ON auth.sessions (user_id) WHERE revoked_at IS NULL`);
    await runner.query(`CREATE INDEX sessions_by_expiry ON auth.sessions (expires_at)`);
    await runner.query(`
      CREATE TABLE auth.oauth_states (
        state_hash bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
        binding_hash bytea NOT NULL,
        code_verifier text NOT NULL,
        ip text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await runner.query(`CREATE INDEX oauth_states_by_expiry ON auth.oauth_states (expires_at)`);
    await runner.query(`
      CREATE TABLE auth.role_provisioning (
        user_id uuid PRIMARY KEY REFERENCES auth.users(id) ON DELETE CASCADE,
        roles text[] NOT NULL,
        reason text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await runner.query(`CREATE INDEX role_provisioning_pending ON auth.role_provisioning (next_attempt_at) WHERE completed_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE auth.role_provisioning');
    await runner.query('DROP TABLE auth.oauth_states');
    await runner.query('DROP TABLE auth.sessions');
    await runner.query('DROP TABLE auth.users');
  }
}
