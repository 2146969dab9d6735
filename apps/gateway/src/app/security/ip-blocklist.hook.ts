import { ErrorCode } from '@warden/contracts';
import type { FastifyInstance } from 'fastify';
import { IpBlocklistCache } from './ip-blocklist.cache';

/** Probes come from the platform (kubelet, load balancer), never to be locked out by a block. */
const ALWAYS_OPEN = new Set(['/healthz', '/readyz', '/metrics']);

/** Refuses every request from a blocked IP with 403 IP_BLOCKED, before any other work (no rate-limit count, no body read). */
export function installIpBlocklist(fastify: FastifyInstance, blocklist: IpBlocklistCache): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const until = blocklist.blockedUntil(request.ip);
    if (until === null || ALWAYS_OPEN.has(request.url.split('?')[0] ?? '')) return done();
    void reply
      .code(403)
      .header('Retry-After', String(Math.max(1, Math.ceil((until - Date.now()) / 1000))))
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: { code: ErrorCode.IP_BLOCKED, message: 'requests from this address are blocked; try again later', requestId: request.id } });
  });
}
