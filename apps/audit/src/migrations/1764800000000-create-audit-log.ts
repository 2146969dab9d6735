import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only, hash-chained audit log; its head (the row every insert serialises on); signed
 * checkpoints; and a writer role with INSERT and SELECT only, where the database lets us create roles.
 */
export class CreateAuditLog1764800000000 implements MigrationInterface {
  name = 'CreateAuditLog1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit.events (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        action text NOT NULL,
        actor_id text,
        details jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        source text NOT NULL,
        request_id text,
        ip text,
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX events_by_action ON audit.events (action, seq DESC)');
    await runner.query('CREATE INDEX events_by_actor ON audit.events (actor_id, seq DESC)');
    await runner.query('CREATE INDEX events_by_time ON audit.events (occurred_at)');
    await runner.query(`
      CREATE TABLE audit.chain_head (
        id integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash bytea NOT NULL
      )`);
    await runner.query(`INSERT INTO audit.chain_head (id, seq, hash) VALUES (1, 0, '\\x${'00'.repeat(32)}')`);
    await runner.query(`
      CREATE TABLE audit.checkpoints (
        seq bigint PRIMARY KEY,
        hash bytea NOT NULL,
        signed_at timestamptz NOT NULL,
        signature bytea NOT NULL
      )`);
    await runner.query(`
      CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await runner.query('CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()');
    await runner.query('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()');
    await runner.query('CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON audit.checkpoints FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()');
    // The role the audit service should log in as in production: it can add and read, never change.
    await runner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'warden_audit_writer') THEN
          CREATE ROLE warden_audit_writer NOLOGIN;
        END IF;
        GRANT USAGE ON SCHEMA audit TO warden_audit_writer;
        GRANT SELECT, INSERT ON audit.events, audit.checkpoints TO warden_audit_writer;
        GRANT SELECT, UPDATE ON audit.chain_head TO warden_audit_writer;
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create the warden_audit_writer role here; grant INSERT/SELECT only by hand';
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit.checkpoints');
    await runner.query('DROP TABLE audit.chain_head');
    await runner.query('DROP TABLE audit.events');
    await runner.query('DROP FUNCTION audit.refuse_change()');
  }
}
