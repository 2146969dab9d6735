import { Controller } from '@nestjs/common';
import { AuthLoginComplete, AuthLoginStart, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { LoginService } from './login.service';

@Controller()
export class LoginHandler {
  constructor(private readonly login: LoginService) {}

  @HandleRequest(AuthLoginStart)
  start(@ContractPayload(AuthLoginStart) request: ValidRequestOf<typeof AuthLoginStart>) {
    return this.login.start(request);
  }

  @HandleRequest(AuthLoginComplete)
  complete(@ContractPayload(AuthLoginComplete) request: ValidRequestOf<typeof AuthLoginComplete>) {
    return this.login.complete(request);
  }
}
