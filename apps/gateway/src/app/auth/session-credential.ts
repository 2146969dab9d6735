import { ErrorCode } from '@warden/contracts';
import { WardenRpcError } from '@warden/messaging';
import type { FastifyRequest } from 'fastify';

export interface SessionCredential {
  token: string;
  via: 'bearer' | 'cookie';
}

/**
 * The credential a request carries: `Authorization: Bearer <token>` (which wins), else the session
 * cookie; null when there is none. A present but malformed Authorization header is an error.
 */
export function readSessionCredential(request: FastifyRequest, cookieName: string): SessionCredential | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!match) throw new WardenRpcError(ErrorCode.UNAUTHORIZED, 'malformed Authorization header; use "Bearer <token>"');
    return { token: match[1]!, via: 'bearer' };
  }
  const cookie = request.cookies?.[cookieName];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}
