import { Controller } from '@nestjs/common';
import { AuthSessionList, AuthSessionRevoke, AuthSessionValidate, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { SessionService } from './session.service';

@Controller()
export class SessionsHandler {
  constructor(private readonly sessions: SessionService) {}

  @HandleRequest(AuthSessionValidate)
  validate(@ContractPayload(AuthSessionValidate) request: ValidRequestOf<typeof AuthSessionValidate>) {
    return this.sessions.validate(request);
  }

  @HandleRequest(AuthSessionRevoke)
  revoke(@ContractPayload(AuthSessionRevoke) request: ValidRequestOf<typeof AuthSessionRevoke>) {
    return this.sessions.revoke(request);
  }

  @HandleRequest(AuthSessionList)
  list(@ContractPayload(AuthSessionList) request: ValidRequestOf<typeof AuthSessionList>) {
    return this.sessions.list(request);
  }
}
