import { Controller } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { AuthzProvisionUser, AuthzUserRoles, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { AssignmentRepository } from './assignment.repository';

@Controller()
export class AssignmentsHandler {
  constructor(
    private readonly assignments: AssignmentRepository,
    private readonly audit: AuditClient,
  ) {}

  @HandleRequest(AuthzUserRoles)
  async roles(@ContractPayload(AuthzUserRoles) request: ValidRequestOf<typeof AuthzUserRoles>) {
    return { roles: await this.assignments.rolesOf(request.userId) };
  }

  /** The auth service's hand-over at first login; idempotent, audited for each role newly assigned. */
  @HandleRequest(AuthzProvisionUser)
  async provision(@ContractPayload(AuthzProvisionUser) request: ValidRequestOf<typeof AuthzProvisionUser>) {
    const before = await this.assignments.rolesOf(request.userId);
    const added = await this.assignments.assignMissing(request.userId, request.roles);
    const after = await this.assignments.rolesOf(request.userId);
    for (const role of added) {
      await this.audit.logSecurityEvent('ROLE_ASSIGNED', 'system:auth', { userId: request.userId, role, reason: request.reason, before, after });
    }
    return { roles: after };
  }
}
