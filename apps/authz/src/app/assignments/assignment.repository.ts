import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource } from 'typeorm';

/** User-role assignments. */
@Injectable()
export class AssignmentRepository {
  constructor(private readonly db: DataSource) {}

  async rolesOf(userId: string): Promise<string[]> {
    const { rows } = await sql<{ role_name: string }>(this.db, 'SELECT role_name FROM authz.user_roles WHERE user_id = $1 ORDER BY role_name', [userId]);
    return rows.map((r) => r.role_name);
  }

  /** Assigns roles that are not yet assigned; returns the ones newly assigned. */
  async assignMissing(userId: string, roles: string[]): Promise<string[]> {
    const { rows } = await sql<{ role_name: string }>(
      this.db,
      `INSERT INTO authz.user_roles (user_id, role_name) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING RETURNING role_name`,
      [userId, roles],
    );
    return rows.map((r) => r.role_name);
  }
}
