import { MigrationInterface, QueryRunner } from 'typeorm';

/** Roles, their permissions (resource, action; `*` is an explicit wildcard) and user-role assignments. */
export class CreateRbacTables1764800000000 implements MigrationInterface {
  name = 'CreateRbacTables1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE authz.roles (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9_:-]{1,64}$'),
        description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE authz.role_permissions (
        role_name text NOT NULL REFERENCES authz.roles(name) ON DELETE CASCADE,
        resource text NOT NULL CHECK (resource = '*' OR resource ~ '^[a-z0-9_:.-]{1,64}$'),
        action text NOT NULL CHECK (action = '*' OR action ~ '^[a-z0-9_:.-]{1,64}$'),
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (role_name, resource, action)
      )`);
    await runner.query(`
      CREATE TABLE authz.user_roles (
        user_id uuid NOT NULL,
        role_name text NOT NULL REFERENCES authz.roles(name) ON DELETE CASCADE,
        assigned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, role_name)
      )`);
    await runner.query(`CREATE INDEX user_roles_by_role ON authz.user_roles (role_name)`);
    await runner.query(`INSERT INTO authz.roles (name, description) VALUES
      ('admin', 'Full access to everything (*/*).'),
      ('user', 'Every logged-in user; no permissions by default.')`);
    await runner.query(`INSERT INTO authz.role_permissions (role_name, resource, action) VALUES ('admin', '*', '*')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE authz.user_roles');
    await runner.query('DROP TABLE authz.role_permissions');
    await runner.query('DROP TABLE authz.roles');
  }
}
