import { MigrationInterface, QueryRunner } from 'typeorm';

/** The security scan counts one action over a time window (`audit.stats`): this index answers it directly. */
export class IndexEventsByActionAndTime1764900000000 implements MigrationInterface {
  name = 'IndexEventsByActionAndTime1764900000000';
  // Built concurrently (outside a transaction): the running audit replicas keep appending meanwhile.
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX CONCURRENTLY IF NOT EXISTS events_by_action_time ON audit.events (action, occurred_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX CONCURRENTLY IF EXISTS audit.events_by_action_time');
  }
}
