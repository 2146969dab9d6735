import { ERROR_CODES, ErrorCode, httpStatusOf, isErrorCode } from './errors';

describe('error codes', () => {
  it('gives every code an HTTP status', () => {
    for (const code of ERROR_CODES) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
  });

  it('maps the DESIGN.md statuses', () => {
    expect(httpStatusOf(ErrorCode.BAD_REQUEST)).toBe(400);
    expect(httpStatusOf(ErrorCode.FORBIDDEN)).toBe(403);
    expect(httpStatusOf(ErrorCode.RATE_LIMITED)).toBe(429);
    expect(httpStatusOf(ErrorCode.SERVICE_UNAVAILABLE)).toBe(503);
    expect(httpStatusOf(ErrorCode.TIMEOUT)).toBe(504);
  });

  it('recognises only known codes', () => {
    expect(isErrorCode('FORBIDDEN')).toBe(true);
    expect(isErrorCode('forbidden')).toBe(false);
    expect(isErrorCode(403)).toBe(false);
  });
});
