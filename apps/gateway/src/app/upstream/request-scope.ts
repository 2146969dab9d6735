import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RequestScope } from '@warden/messaging';
import type { FastifyRequest } from 'fastify';

const SCOPE = Symbol('WARDEN_REQUEST_SCOPE');

/** An HTTP request always has a client IP. */
export type HttpRequestScope = Required<RequestScope>;

/** The request's id and client IP, for the NATS calls and audit events made on its behalf. */
export function requestScopeOf(request: FastifyRequest): HttpRequestScope {
  const carrier = request as FastifyRequest & { [SCOPE]?: HttpRequestScope };
  // request.ip walks the proxy chain when proxies are trusted: computed once per request.
  return (carrier[SCOPE] ??= { requestId: request.id, clientIp: request.ip });
}

/** Handler parameter: the request's scope, to pass to ScopedRpcClient and the audit client. */
export const RequestScopeParam = createParamDecorator((_: unknown, context: ExecutionContext): HttpRequestScope =>
  requestScopeOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
