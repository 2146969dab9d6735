import { Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import {
  AuthzCheck,
  AuthzRolesAssign,
  AuthzRolesCreate,
  AuthzRolesDelete,
  AuthzRolesGrant,
  AuthzRolesList,
  AuthzRolesRevoke,
  AuthzRolesUnassign,
  AuthzUserRoles,
  CheckedPart,
  PermissionPart,
  RoleName,
} from '@warden/contracts';
import { RequestScope } from '@warden/messaging';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RequestScopeParam } from '../upstream/request-scope';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { ValidatedSession } from '../auth/session-authenticator.service';
import { Authenticated, CurrentSession } from '../auth/session.guard';
import { ValidBody } from '../validation/valid-input.decorators';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { PermissionGuard, RequirePermission } from './permission.guard';

const CreateRoleBody = z.object({ name: RoleName, description: z.string().max(500).default('') }).strict();
const PermissionBody = z.object({ resource: PermissionPart, action: PermissionPart }).strict();
const CheckBody = z.object({ resource: CheckedPart, action: CheckedPart, userId: z.uuid().optional() }).strict();
const RoleParam = new ZodValidationPipe(RoleName);
const UserIdParam = new ZodValidationPipe(z.uuid({ error: 'must be a UUID' }));

/** Roles, permissions and assignments (DESIGN.md), guarded by roles:read / roles:manage. */
@Controller('authz')
export class AuthzController {
  constructor(
    private readonly rpc: ScopedRpcClient,
    private readonly permissions: PermissionGuard,
  ) {}

  @Get('roles')
  @RequirePermission('roles', 'read')
  listRoles(@RequestScopeParam() scope: RequestScope) {
    return this.rpc.request(scope, AuthzRolesList, {});
  }

  @Post('roles')
  @HttpCode(201)
  @RequirePermission('roles', 'manage')
  createRole(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @ValidBody(CreateRoleBody) body: z.output<typeof CreateRoleBody>) {
    return this.rpc.request(scope, AuthzRolesCreate, { actorId: session.userId, ...body });
  }

  @Delete('roles/:name')
  @HttpCode(204)
  @RequirePermission('roles', 'manage')
  async deleteRole(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('name', RoleParam) name: string): Promise<void> {
    await this.rpc.request(scope, AuthzRolesDelete, { actorId: session.userId, name });
  }

  @Post('roles/:name/permissions')
  @RequirePermission('roles', 'manage')
  grant(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('name', RoleParam) name: string, @ValidBody(PermissionBody) body: z.output<typeof PermissionBody>) {
    return this.rpc.request(scope, AuthzRolesGrant, { actorId: session.userId, name, ...body });
  }

  @Delete('roles/:name/permissions')
  @RequirePermission('roles', 'manage')
  revoke(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('name', RoleParam) name: string, @ValidBody(PermissionBody) body: z.output<typeof PermissionBody>) {
    return this.rpc.request(scope, AuthzRolesRevoke, { actorId: session.userId, name, ...body });
  }

  @Get('users/:userId/roles')
  @RequirePermission('roles', 'read')
  userRoles(@RequestScopeParam() scope: RequestScope, @Param('userId', UserIdParam) userId: string) {
    return this.rpc.request(scope, AuthzUserRoles, { userId }).then((r) => ({ userId, roles: r.roles }));
  }

  @Put('users/:userId/roles/:name')
  @RequirePermission('roles', 'manage')
  assign(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('userId', UserIdParam) userId: string, @Param('name', RoleParam) name: string) {
    return this.rpc.request(scope, AuthzRolesAssign, { actorId: session.userId, userId, name });
  }

  @Delete('users/:userId/roles/:name')
  @RequirePermission('roles', 'manage')
  unassign(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('userId', UserIdParam) userId: string, @Param('name', RoleParam) name: string) {
    return this.rpc.request(scope, AuthzRolesUnassign, { actorId: session.userId, userId, name });
  }

  /** Any logged-in user may check their own permissions; checking another user's needs roles:read. */
  @Post('check')
  @HttpCode(200)
  @Authenticated()
  async check(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Req() request: FastifyRequest & { session?: ValidatedSession }, @ValidBody(CheckBody) body: z.output<typeof CheckBody>) {
    const userId = body.userId ?? session.userId;
    if (userId !== session.userId) await this.permissions.ensure(request, { resource: 'roles', action: 'read' });
    const decision = await this.rpc.request(scope, AuthzCheck, { userId, resource: body.resource, action: body.action });
    return { allowed: decision.allowed };
  }
}
