import { DataSource, EntityManager } from 'typeorm';

export interface SqlResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted. */
  affected: number;
}

/**
 * Runs one parameterized statement and returns its rows and affected count in one shape, whatever the
 * statement (TypeORM's plain query() returns `[rows, count]` for UPDATE/DELETE but rows for SELECT).
 */
export async function sql<T = Record<string, unknown>>(db: DataSource | EntityManager, text: string, params: unknown[] = []): Promise<SqlResult<T>> {
  const manager = db instanceof DataSource ? db.manager : db;
  const ownRunner = !manager.queryRunner;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(text, params, true);
    return { rows: (result.records ?? []) as T[], affected: result.affected ?? result.records?.length ?? 0 };
  } finally {
    if (ownRunner) await runner.release();
  }
}
