import { Controller } from '@nestjs/common';
import { AuthzCheck, AuthzCheckBatch, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { PermissionChecker } from './permission-checker.service';

@Controller()
export class CheckHandler {
  constructor(private readonly checker: PermissionChecker) {}

  @HandleRequest(AuthzCheck)
  check(@ContractPayload(AuthzCheck) request: ValidRequestOf<typeof AuthzCheck>) {
    return this.checker.check(request.userId, request.resource, request.action);
  }

  @HandleRequest(AuthzCheckBatch)
  async checkBatch(@ContractPayload(AuthzCheckBatch) request: ValidRequestOf<typeof AuthzCheckBatch>) {
    return { results: await this.checker.checkMany(request.userId, request.checks) };
  }
}
