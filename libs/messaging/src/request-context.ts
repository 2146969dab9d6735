import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';

/** What travels with one request through every service: its id (logs, audit) and the client's IP. */
export interface RequestScope {
  readonly requestId: string;
  readonly clientIp?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** NATS header (and HTTP header) carrying the request id between services. */
export const REQUEST_ID_HEADER = 'X-Request-Id';
/** NATS header carrying the original client IP from the gateway. */
export const CLIENT_IP_HEADER = 'X-Client-Ip';

const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller-supplied id is kept only if it is well-formed; otherwise a fresh one is made. */
export function acceptRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && WELL_FORMED_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/**
 * A caller-supplied client IP is kept only if it is an IP address. It lands in audit events, which the
 * security scan counts per IP and auto-bans from; a value an audit event cannot hold (say 100
 * characters) would get the event dropped by the audit service, hiding the action it records.
 */
export function acceptClientIp(candidate: unknown): string | undefined {
  return typeof candidate === 'string' && candidate.length <= 64 && isIP(candidate) !== 0 ? candidate : undefined;
}

export const RequestContext = {
  run<T>(scope: RequestScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  current(): RequestScope | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};
