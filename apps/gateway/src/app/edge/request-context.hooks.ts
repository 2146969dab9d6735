import { logHttpRequest } from '@warden/logging';
import { acceptRequestId } from '@warden/messaging';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { routeOf } from './route-of';

/** Fastify's request id: the client's X-Request-Id when well-formed, else a fresh UUID. */
export const genRequestId: NonNullable<FastifyServerOptions['genReqId']> = (raw: IncomingMessage) => acceptRequestId(raw.headers['x-request-id']);

/** Probes and scrapes would drown the request log. */
const UNLOGGED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Returns the request id on every response and logs one line per request. The id (and client IP) reach
 * services and audit events through the scope each NATS call is given (ScopedRpcClient), not through
 * AsyncLocalStorage.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = routeOf(request).url ?? request.url.split('?')[0] ?? '';
    if (!UNLOGGED_PATHS.has(path)) {
      logHttpRequest({ requestId: request.id, method: request.method, path, statusCode: reply.statusCode, responseTimeMs: reply.elapsedTime });
    }
    done();
  });
}
