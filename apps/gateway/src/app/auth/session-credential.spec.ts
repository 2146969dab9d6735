import type { FastifyRequest } from 'fastify';
import { readSessionCredential } from './session-credential';

const request = (headers: Record<string, string>, cookies: Record<string, string> = {}) => ({ headers, cookies }) as unknown as FastifyRequest;

describe('readSessionCredential', () => {
  it('prefers the Bearer header over the cookie', () => {
    expect(readSessionCredential(request({ authorization: 'Bearer abc' }, { session: 'def' }), 'session')).toEqual({ token: 'abc', via: 'bearer' });
    expect(readSessionCredential(request({ authorization: 'bearer  abc ' }), 'session')).toEqual({ token: 'abc', via: 'bearer' });
  });

  it('falls back to the named cookie, and to nothing', () => {
    expect(readSessionCredential(request({}, { session: 'def' }), 'session')).toEqual({ token: 'def', via: 'cookie' });
    expect(readSessionCredential(request({}, { session: 'def' }), '__Host-session')).toBeNull();
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Token abc'])('refuses a malformed Authorization header %p', (authorization) => {
    expect(() => readSessionCredential(request({ authorization }), 'session')).toThrow(/malformed Authorization header/);
  });
});
