import { RpcException } from '@nestjs/microservices';
import { ErrorCode, isErrorCode } from '@warden/contracts';

/** A typed error reply received from (or about) a NATS call. */
export class WardenRpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'WardenRpcError';
  }
}

/** The error object a handler replies with: `{code, message, fields?}`. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
  fields?: string[];
}

/** What handlers throw: Nest forwards an RpcException carrying an object unchanged to the serializer. */
export function rpcError(code: ErrorCode, message: string, fields?: string[]): RpcException {
  const payload: RpcErrorPayload = fields ? { code, message, fields } : { code, message };
  return new RpcException(payload);
}

export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
