import { Controller } from '@nestjs/common';
import {
  AuthzProvisionUser,
  AuthzRolesAssign,
  AuthzRolesCreate,
  AuthzRolesDelete,
  AuthzRolesGrant,
  AuthzRolesList,
  AuthzRolesRevoke,
  AuthzRolesUnassign,
  AuthzUserRoles,
  ValidRequestOf,
} from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { PermissionChecker } from '../decisions/permission-checker.service';
import { RolesService } from './roles.service';

@Controller()
export class RolesHandler {
  constructor(
    private readonly roles: RolesService,
    private readonly checker: PermissionChecker,
  ) {}

  @HandleRequest(AuthzRolesList)
  async list(@ContractPayload(AuthzRolesList) _request: ValidRequestOf<typeof AuthzRolesList>) {
    return { roles: await this.roles.list() };
  }

  @HandleRequest(AuthzRolesCreate)
  create(@ContractPayload(AuthzRolesCreate) r: ValidRequestOf<typeof AuthzRolesCreate>) {
    return this.roles.create(r.actorId, r.name, r.description);
  }

  @HandleRequest(AuthzRolesDelete)
  delete(@ContractPayload(AuthzRolesDelete) r: ValidRequestOf<typeof AuthzRolesDelete>) {
    return this.roles.delete(r.actorId, r.name);
  }

  @HandleRequest(AuthzRolesGrant)
  grant(@ContractPayload(AuthzRolesGrant) r: ValidRequestOf<typeof AuthzRolesGrant>) {
    return this.roles.grant(r.actorId, r.name, r.resource, r.action);
  }

  @HandleRequest(AuthzRolesRevoke)
  revoke(@ContractPayload(AuthzRolesRevoke) r: ValidRequestOf<typeof AuthzRolesRevoke>) {
    return this.roles.revoke(r.actorId, r.name, r.resource, r.action);
  }

  @HandleRequest(AuthzRolesAssign)
  assign(@ContractPayload(AuthzRolesAssign) r: ValidRequestOf<typeof AuthzRolesAssign>) {
    return this.roles.assign(r.actorId, r.userId, r.name);
  }

  @HandleRequest(AuthzRolesUnassign)
  unassign(@ContractPayload(AuthzRolesUnassign) r: ValidRequestOf<typeof AuthzRolesUnassign>) {
    return this.roles.unassign(r.actorId, r.userId, r.name);
  }

  @HandleRequest(AuthzUserRoles)
  async userRoles(@ContractPayload(AuthzUserRoles) r: ValidRequestOf<typeof AuthzUserRoles>) {
    return { roles: [...(await this.checker.rolesOf(r.userId))] };
  }

  @HandleRequest(AuthzProvisionUser)
  provision(@ContractPayload(AuthzProvisionUser) r: ValidRequestOf<typeof AuthzProvisionUser>) {
    return this.roles.provision(r.userId, r.roles, r.reason);
  }
}
