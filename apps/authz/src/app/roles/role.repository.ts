import { Injectable } from '@nestjs/common';
import { RoleView } from '@warden/contracts';
import { sql } from '@warden/database';
import { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/** Roles, permissions and assignments in the authz schema. Parameterized SQL only. */
@Injectable()
export class RoleRepository {
  constructor(readonly db: DataSource) {}

  async list(db: Db = this.db, name?: string): Promise<RoleView[]> {
    const { rows } = await sql<{ name: string; description: string; created_at: Date; permissions: Array<{ resource: string; action: string }> }>(
      db,
      `SELECT r.name, r.description, r.created_at,
              COALESCE(json_agg(json_build_object('resource', p.resource, 'action', p.action) ORDER BY p.resource, p.action)
                       FILTER (WHERE p.role_name IS NOT NULL), '[]') AS permissions
         FROM authz.roles r LEFT JOIN authz.role_permissions p ON p.role_name = r.name
        WHERE $1::text IS NULL OR r.name = $1
        GROUP BY r.name ORDER BY r.name`,
      [name ?? null],
    );
    return rows.map((r) => ({ name: r.name, description: r.description, permissions: r.permissions, createdAt: r.created_at.toISOString() }));
  }

  async find(name: string, db: Db = this.db): Promise<RoleView | null> {
    return (await this.list(db, name))[0] ?? null;
  }

  /** Locks the role's row for the rest of the transaction (serialises changes to one role). */
  async lock(name: string, db: EntityManager): Promise<boolean> {
    return (await sql(db, 'SELECT 1 FROM authz.roles WHERE name = $1 FOR UPDATE', [name])).rows.length > 0;
  }

  async create(name: string, description: string, db: Db = this.db): Promise<boolean> {
    return (await sql(db, 'INSERT INTO authz.roles (name, description) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING name', [name, description])).rows.length > 0;
  }

  async delete(name: string, db: Db): Promise<void> {
    await sql(db, 'DELETE FROM authz.roles WHERE name = $1', [name]);
  }

  async holders(name: string, db: Db = this.db): Promise<string[]> {
    return (await sql<{ user_id: string }>(db, 'SELECT user_id FROM authz.user_roles WHERE role_name = $1', [name])).rows.map((r) => r.user_id);
  }

  async grant(name: string, resource: string, action: string, db: Db = this.db): Promise<boolean> {
    return (
      await sql(db, 'INSERT INTO authz.role_permissions (role_name, resource, action) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING role_name', [
        name,
        resource,
        action,
      ])
    ).rows.length > 0;
  }

  async revoke(name: string, resource: string, action: string, db: Db = this.db): Promise<boolean> {
    return (await sql(db, 'DELETE FROM authz.role_permissions WHERE role_name = $1 AND resource = $2 AND action = $3', [name, resource, action])).affected > 0;
  }

  async rolesOf(userId: string, db: Db = this.db): Promise<string[]> {
    return (await sql<{ role_name: string }>(db, 'SELECT role_name FROM authz.user_roles WHERE user_id = $1 ORDER BY role_name', [userId])).rows.map((r) => r.role_name);
  }

  async assign(userId: string, names: string[], db: Db = this.db): Promise<string[]> {
    const { rows } = await sql<{ role_name: string }>(
      db,
      'INSERT INTO authz.user_roles (user_id, role_name) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING role_name',
      [userId, names],
    );
    return rows.map((r) => r.role_name);
  }

  async unassign(userId: string, name: string, db: Db): Promise<boolean> {
    return (await sql(db, 'DELETE FROM authz.user_roles WHERE user_id = $1 AND role_name = $2', [userId, name])).affected > 0;
  }
}
