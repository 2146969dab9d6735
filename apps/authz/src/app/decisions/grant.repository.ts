import { Injectable } from '@nestjs/common';
import { sql } from '@warden/database';
import { DataSource } from 'typeorm';
import { CompiledGrants } from './compiled-grants';

@Injectable()
export class GrantRepository {
  constructor(private readonly db: DataSource) {}

  /** A user's roles and every permission they hold, in one query. */
  async effectiveGrants(userId: string): Promise<CompiledGrants> {
    const { rows } = await sql<{ role_name: string; resource: string | null; action: string | null }>(
      this.db,
      `SELECT ur.role_name, rp.resource, rp.action
         FROM authz.user_roles ur LEFT JOIN authz.role_permissions rp ON rp.role_name = ur.role_name
        WHERE ur.user_id = $1`,
      [userId],
    );
    const grants = rows.filter((r) => r.resource !== null).map((r) => ({ role: r.role_name, resource: r.resource!, action: r.action! }));
    return new CompiledGrants(grants, rows.map((r) => r.role_name));
  }
}
