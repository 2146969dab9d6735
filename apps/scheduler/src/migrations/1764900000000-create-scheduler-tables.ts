import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rotation periods (one rotation each), security-scan reports (one per window) and their findings. */
export class CreateSchedulerTables1764900000000 implements MigrationInterface {
  name = 'CreateSchedulerTables1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    // A period's row pins the version it rotates away from, so a retried job cannot rotate twice.
    await runner.query(`
      CREATE TABLE scheduler.key_rotations (
        period text PRIMARY KEY,
        from_version integer NOT NULL,
        to_version integer,
        rotated boolean,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await runner.query(`
      CREATE TABLE scheduler.scan_reports (
        seq bigserial UNIQUE,
        id uuid PRIMARY KEY,
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'catch-up', 'manual')),
        requested_by text,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        runs integer NOT NULL DEFAULT 0,
        counts jsonb NOT NULL DEFAULT '{}',
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (window_from, window_to),
        CHECK (window_from < window_to)
      )`);
    await runner.query('CREATE INDEX scan_reports_completed ON scheduler.scan_reports (window_to DESC) WHERE status = \'completed\'');
    await runner.query(`
      CREATE TABLE scheduler.scan_findings (
        id uuid PRIMARY KEY,
        report_id uuid NOT NULL REFERENCES scheduler.scan_reports (id) ON DELETE CASCADE,
        check_name text NOT NULL,
        rule text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('medium', 'high')),
        subject_type text NOT NULL,
        subject text NOT NULL,
        ip text,
        evidence jsonb NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        notified_at timestamptz,
        blocked_at timestamptz,
        UNIQUE (report_id, rule, subject)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE scheduler.scan_findings');
    await runner.query('DROP TABLE scheduler.scan_reports');
    await runner.query('DROP TABLE scheduler.key_rotations');
  }
}
