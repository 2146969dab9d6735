import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ErrorCode } from '@warden/contracts';
import { Observable, throwError } from 'rxjs';
import { isRpcErrorPayload, RpcErrorPayload, WardenRpcError } from './warden-rpc-error';

/**
 * Turns anything a handler throws into a typed error reply. Unknown errors become INTERNAL with a
 * generic message; the log line gets the error's type and message, never a stack or SQL.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const payload = this.toPayload(exception);
    return throwError(() => payload);
  }

  private toPayload(exception: unknown): RpcErrorPayload {
    if (exception instanceof RpcException) {
      const error = exception.getError();
      if (isRpcErrorPayload(error)) return error;
    }
    if (exception instanceof WardenRpcError) {
      // A downstream call failed; pass its code on (e.g. SERVICE_UNAVAILABLE).
      return exception.fields
        ? { code: exception.code, message: exception.message, fields: exception.fields }
        : { code: exception.code, message: exception.message };
    }
    const name = exception instanceof Error ? exception.name : typeof exception;
    const code = (exception as { code?: unknown })?.code;
    this.logger.error({ errorType: name, errorCode: typeof code === 'string' ? code : undefined }, 'unhandled error in a NATS handler');
    return { code: ErrorCode.INTERNAL, message: 'Internal error' };
  }
}
