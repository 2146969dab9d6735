import { acceptRequestId, RequestContext } from '@warden/messaging';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** Fastify's request id: the client's X-Request-Id when well-formed, else a fresh UUID. */
export const genRequestId: NonNullable<FastifyServerOptions['genReqId']> = (raw: IncomingMessage) => {
  const id = acceptRequestId(raw.headers['x-request-id']);
  // pino-http reads the same id from the raw request, so log lines and replies agree.
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
};

/**
 * Returns the request id on every response, and runs the handler (guards, pipes, controller, NATS
 * calls) inside the request's context so the id reaches every service and audit event.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  // preHandler runs after the body is parsed, so the context survives the body's async read.
  fastify.addHook('preHandler', (request, _reply, done) => {
    RequestContext.run({ requestId: request.id, clientIp: request.ip }, done);
  });
}
