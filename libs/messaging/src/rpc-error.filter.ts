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
    if (isDependencyOutage(exception)) {
      this.logger.warn({ errorType: name, errorCode: typeof code === 'string' ? code : undefined }, 'a dependency (database, cache) is unreachable');
      return { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'a dependency of this service is unavailable; try again shortly' };
    }
    this.logger.error({ errorType: name, errorCode: typeof code === 'string' ? code : undefined }, 'unhandled error in a NATS handler');
    return { code: ErrorCode.INTERNAL, message: 'Internal error' };
  }
}

/** Network error codes, and Postgres' connection-exception class (08…) and shutdown/overload codes. */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const OUTAGE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Client has encountered a connection error/i;

/**
 * A database or cache that cannot be reached right now (as opposed to a bug): answered 503
 * SERVICE_UNAVAILABLE, so clients retry, instead of 500.
 */
export function isDependencyOutage(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const { code, message, driverError, cause } = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof code === 'string' && (OUTAGE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && OUTAGE_MESSAGES.test(message)) return true;
  return isDependencyOutage(driverError, depth + 1) || isDependencyOutage(cause, depth + 1);
}
