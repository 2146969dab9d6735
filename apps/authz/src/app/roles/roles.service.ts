import { Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { AuthzChanged, ErrorCode, RoleView } from '@warden/contracts';
import { BroadcastBus, rpcError } from '@warden/messaging';
import { RoleRepository } from './role.repository';

const ADMIN = 'admin';
const isAdminWildcard = (name: string, resource: string, action: string) => name === ADMIN && resource === '*' && action === '*';

/**
 * Administration of roles, permissions and assignments, with lock-out protection (admin keeps `*`/`*`,
 * cannot be deleted, and the last admin keeps the role). Every change is audited with before/after and
 * broadcast so every replica's cache drops what it changed before the caller gets the answer.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RoleRepository,
    private readonly audit: AuditClient,
    private readonly broadcast: BroadcastBus,
  ) {}

  list(): Promise<RoleView[]> {
    return this.roles.list();
  }

  async create(actorId: string, name: string, description: string): Promise<RoleView> {
    if (!(await this.roles.create(name, description))) throw rpcError(ErrorCode.CONFLICT, `role ${name} already exists`);
    const role = (await this.roles.find(name))!;
    await this.audit.logSecurityEvent('ROLE_CREATED', actorId, { role: name, before: null, after: role });
    return role;
  }

  async delete(actorId: string, name: string): Promise<{ deleted: true; unassignedUsers: number }> {
    if (name === ADMIN) throw rpcError(ErrorCode.CONFLICT, 'the admin role cannot be deleted');
    const { before, holders } = await this.roles.db.transaction(async (tx) => {
      if (!(await this.roles.lock(name, tx))) throw rpcError(ErrorCode.NOT_FOUND, `no role named ${name}`);
      const found = (await this.roles.find(name, tx))!;
      const users = await this.roles.holders(name, tx);
      await this.roles.delete(name, tx);
      return { before: found, holders: users };
    });
    await this.broadcast.publishAndFlush(AuthzChanged, { userIds: holders, allUsers: false });
    await this.audit.logSecurityEvent('ROLE_DELETED', actorId, { role: name, before: { ...before, holders: holders.length }, after: null });
    return { deleted: true, unassignedUsers: holders.length };
  }

  async grant(actorId: string, name: string, resource: string, action: string): Promise<RoleView> {
    const before = await this.roles.find(name);
    if (!before) throw rpcError(ErrorCode.NOT_FOUND, `no role named ${name}`);
    const added = await this.roles.grant(name, resource, action).catch((error: unknown) => {
      // The role was deleted between the read and the insert.
      if ((error as { code?: string }).code === '23503') throw rpcError(ErrorCode.NOT_FOUND, `no role named ${name}`);
      throw error;
    });
    const after = (await this.roles.find(name))!;
    if (added) {
      await this.broadcast.publishAndFlush(AuthzChanged, { userIds: [], allUsers: true });
      await this.audit.logSecurityEvent('PERMISSION_GRANTED', actorId, { role: name, resource, action, before: before.permissions, after: after.permissions });
    }
    return after;
  }

  async revoke(actorId: string, name: string, resource: string, action: string): Promise<RoleView> {
    if (isAdminWildcard(name, resource, action)) throw rpcError(ErrorCode.CONFLICT, 'the admin role must keep */* (lock-out protection)');
    const before = await this.roles.find(name);
    if (!before) throw rpcError(ErrorCode.NOT_FOUND, `no role named ${name}`);
    if (!(await this.roles.revoke(name, resource, action))) throw rpcError(ErrorCode.NOT_FOUND, `role ${name} does not hold ${resource}:${action}`);
    const after = (await this.roles.find(name))!;
    await this.broadcast.publishAndFlush(AuthzChanged, { userIds: [], allUsers: true });
    await this.audit.logSecurityEvent('PERMISSION_REVOKED', actorId, { role: name, resource, action, before: before.permissions, after: after.permissions });
    return after;
  }

  async assign(actorId: string, userId: string, name: string, reason = 'admin'): Promise<{ userId: string; roles: string[] }> {
    if (!(await this.roles.find(name))) throw rpcError(ErrorCode.NOT_FOUND, `no role named ${name}`);
    const before = await this.roles.rolesOf(userId);
    const added = await this.roles.assign(userId, [name]);
    const after = await this.roles.rolesOf(userId);
    if (added.length > 0) {
      await this.broadcast.publishAndFlush(AuthzChanged, { userIds: [userId], allUsers: false });
      await this.audit.logSecurityEvent('ROLE_ASSIGNED', actorId, { userId, role: name, reason, before, after });
    }
    return { userId, roles: after };
  }

  /** The first-login hand-over from auth: idempotent; audits each role newly assigned. */
  async provision(userId: string, names: string[], reason: string): Promise<{ roles: string[] }> {
    const before = await this.roles.rolesOf(userId);
    const added = await this.roles.assign(userId, names);
    const after = await this.roles.rolesOf(userId);
    if (added.length > 0) {
      await this.broadcast.publishAndFlush(AuthzChanged, { userIds: [userId], allUsers: false });
      for (const role of added) await this.audit.logSecurityEvent('ROLE_ASSIGNED', 'system:auth', { userId, role, reason, before, after });
    }
    return { roles: after };
  }

  async unassign(actorId: string, userId: string, name: string): Promise<{ userId: string; roles: string[] }> {
    const before = await this.roles.rolesOf(userId);
    await this.roles.db.transaction(async (tx) => {
      // Changes to one role's holders are serialised, so two admins removing each other cannot both succeed.
      if (!(await this.roles.lock(name, tx))) throw rpcError(ErrorCode.NOT_FOUND, `no role named ${name}`);
      if (name === ADMIN) {
        const holders = await this.roles.holders(ADMIN, tx);
        if (holders.includes(userId) && holders.length === 1) throw rpcError(ErrorCode.CONFLICT, 'cannot unassign the last admin (lock-out protection)');
      }
      if (!(await this.roles.unassign(userId, name, tx))) throw rpcError(ErrorCode.NOT_FOUND, `user does not have role ${name}`);
    });
    const after = await this.roles.rolesOf(userId);
    await this.broadcast.publishAndFlush(AuthzChanged, { userIds: [userId], allUsers: false });
    await this.audit.logSecurityEvent('ROLE_UNASSIGNED', actorId, { userId, role: name, before, after });
    return { userId, roles: after };
  }
}
