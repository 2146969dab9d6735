import { HttpException } from '@nestjs/common';
import { ErrorBody, ErrorCode, httpStatusOf } from '@warden/contracts';
import { WardenRpcError } from '@warden/messaging';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Whether the cause was unexpected (logged as an error). */
  unexpected: boolean;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
  504: ErrorCode.TIMEOUT,
};

/** Messages for errors raised by Fastify itself (body parsing, limits), which say too much or too little. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request body is empty but Content-Type is application/json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request body is not valid JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
  FST_ERR_BAD_URL: 'malformed URL',
};

/**
 * Maps anything thrown while serving a request to the DESIGN.md error shape. Only messages we wrote
 * reach the client: never a stack, SQL or a dependency's raw error.
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof WardenRpcError) {
    return build(httpStatusOf(error.code), error.code, error.message, requestId, error.fields);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const { message, fields } = describeHttpException(response, error.message);
    return build(status, codeForStatus(status), message, requestId, fields, status >= 500);
  }
  const fastifyCode = (error as { code?: unknown })?.code;
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof fastifyCode === 'string' && fastifyCode.startsWith('FST_') && typeof statusCode === 'number' && statusCode < 500) {
    if (/^FST_ERR_CTP_INVALID_JSON_BODY$/.test(fastifyCode) || (error as Error).name === 'SyntaxError') {
      return build(400, ErrorCode.BAD_REQUEST, FASTIFY_MESSAGES['FST_ERR_CTP_INVALID_JSON_BODY']!, requestId);
    }
    return build(statusCode, codeForStatus(statusCode), FASTIFY_MESSAGES[fastifyCode] ?? 'bad request', requestId);
  }
  if (error instanceof SyntaxError && typeof statusCode === 'number' && statusCode === 400) {
    return build(400, ErrorCode.BAD_REQUEST, 'request body is not valid JSON', requestId);
  }
  return build(500, ErrorCode.INTERNAL, 'Internal error', requestId, undefined, true);
}

function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST);
}

function describeHttpException(response: string | object, fallback: string): { message: string; fields?: string[] } {
  if (typeof response === 'string') return { message: response };
  const body = response as { message?: unknown; fields?: unknown };
  if (Array.isArray(body.message)) {
    return { message: 'validation failed', fields: body.message.map(String) };
  }
  return {
    message: typeof body.message === 'string' ? body.message : fallback,
    fields: Array.isArray(body.fields) ? body.fields.map(String) : undefined,
  };
}

function build(status: number, code: ErrorCode, message: string, requestId: string, fields?: string[], unexpected = false): ErrorResponse {
  return {
    status,
    unexpected: unexpected || status >= 500 && code === ErrorCode.INTERNAL,
    body: { error: { code, message, requestId, ...(fields && fields.length > 0 ? { fields } : {}) } },
  };
}
