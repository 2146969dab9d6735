import { z } from 'zod';
import { defineRequest } from '../contract';
import { ActorId, PermissionPart, RoleName, RoleView } from './authz-schemas';

/** `authz.roles.list`: every role with its permissions. */
export const AuthzRolesList = defineRequest('authz.roles.list', z.object({}).strict(), z.object({ roles: z.array(RoleView) }));

/** `authz.roles.create`: a new role without permissions; a taken name is CONFLICT. */
export const AuthzRolesCreate = defineRequest(
  'authz.roles.create',
  z.object({ actorId: ActorId, name: RoleName, description: z.string().max(500).default('') }).strict(),
  RoleView,
);

/** `authz.roles.delete`: removes a role and its assignments; `admin` cannot be deleted (CONFLICT). */
export const AuthzRolesDelete = defineRequest(
  'authz.roles.delete',
  z.object({ actorId: ActorId, name: RoleName }).strict(),
  z.object({ deleted: z.literal(true), unassignedUsers: z.number() }),
);

const PermissionChange = z.object({ actorId: ActorId, name: RoleName, resource: PermissionPart, action: PermissionPart }).strict();

/** `authz.roles.grant`: adds a permission to a role (idempotent). */
export const AuthzRolesGrant = defineRequest('authz.roles.grant', PermissionChange, RoleView);

/** `authz.roles.revoke`: removes a permission; admin's `*`/`*` cannot be removed (CONFLICT). */
export const AuthzRolesRevoke = defineRequest('authz.roles.revoke', PermissionChange, RoleView);

const AssignmentChange = z.object({ actorId: ActorId, userId: z.uuid(), name: RoleName }).strict();

/** `authz.roles.assign`: gives a user a role (idempotent). */
export const AuthzRolesAssign = defineRequest('authz.roles.assign', AssignmentChange, z.object({ userId: z.uuid(), roles: z.array(z.string()) }));

/** `authz.roles.unassign`: takes a role from a user; the last admin cannot lose `admin` (CONFLICT). */
export const AuthzRolesUnassign = defineRequest('authz.roles.unassign', AssignmentChange, z.object({ userId: z.uuid(), roles: z.array(z.string()) }));
