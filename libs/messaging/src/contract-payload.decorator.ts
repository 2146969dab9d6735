import { applyDecorators, PipeTransform } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { describeIssues, ErrorCode, RequestContract } from '@warden/contracts';
import { MALFORMED_JSON } from './plain-json.codec';
import { rpcError } from './warden-rpc-error';

/** Validates an inbound request with its contract's schema; a bad message gets BAD_REQUEST listing fields. */
export class ContractValidationPipe implements PipeTransform {
  constructor(private readonly contract: RequestContract) {}

  transform(value: unknown): unknown {
    if (value === MALFORMED_JSON) {
      throw rpcError(ErrorCode.BAD_REQUEST, 'request body is not valid JSON');
    }
    const result = this.contract.request.safeParse(value);
    if (!result.success) {
      throw rpcError(ErrorCode.BAD_REQUEST, `invalid ${this.contract.subject} request`, describeIssues(result.error));
    }
    return result.data;
  }
}

/** Marks a method as the handler of a contract's subject. */
export function HandleRequest(contract: RequestContract): MethodDecorator {
  return applyDecorators(MessagePattern(contract.subject));
}

/** The handler's argument: the request, validated against the contract's schema. */
export function ContractPayload(contract: RequestContract): ParameterDecorator {
  return Payload(new ContractValidationPipe(contract));
}
