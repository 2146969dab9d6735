import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ErrorCode } from '@warden/contracts';
import { WardenRpcError } from '@warden/messaging';
import { toErrorResponse } from './error-response';

describe('toErrorResponse', () => {
  it('maps service error codes to statuses', () => {
    expect(toErrorResponse(new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, 'the authz service is not available'), 'r')).toMatchObject({
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'the authz service is not available', requestId: 'r' } },
    });
    expect(toErrorResponse(new WardenRpcError(ErrorCode.TIMEOUT, 't'), 'r').status).toBe(504);
  });

  it('keeps Nest HTTP exceptions in the shape', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x'), 'r').body).toEqual({ error: { code: 'NOT_FOUND', message: 'Cannot GET /x', requestId: 'r' } });
    expect(toErrorResponse(new PayloadTooLargeException(), 'r').body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('never leaks the message of an unexpected error', () => {
    const response = toErrorResponse(new Error('duplicate key value violates unique constraint "users_pkey"'), 'r');
    expect(response).toEqual({ status: 500, unexpected: true, body: { error: { code: 'INTERNAL', message: 'Internal error', requestId: 'r' } } });
  });

  it('rewrites Fastify body errors in its own words', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(toErrorResponse(tooLarge, 'r').body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'request body is too large', requestId: 'r' });
  });
});
