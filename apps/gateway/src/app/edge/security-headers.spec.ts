import { cspDirectives, securityHeaderSet } from './security-headers';

describe('cspDirectives', () => {
  it("turns the seed's policy into helmet directives", () => {
    expect(cspDirectives("default-src 'self'")).toEqual({ defaultSrc: ["'self'"] });
  });

  it('keeps several directives and their sources', () => {
    expect(cspDirectives("default-src 'self'; img-src * data:; frame-ancestors 'none'")).toEqual({
      defaultSrc: ["'self'"],
      imgSrc: ['*', 'data:'],
      frameAncestors: ["'none'"],
    });
  });
});

describe('securityHeaderSet', () => {
  const seed = { SECURITY_HEADER_CSP: "default-src 'self'", SECURITY_HEADER_HSTS: 'max-age=31536000; includeSubDomains', SECURITY_HEADER_FRAME_OPTIONS: 'DENY' as const };

  it("is exactly the seed's five headers and the modern ones, as helmet derives them", () => {
    expect(securityHeaderSet(seed)).toEqual({
      'Content-Security-Policy': "default-src 'self'",
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'X-XSS-Protection': '1; mode=block',
    });
  });

  it('follows the configured values', () => {
    const headers = securityHeaderSet({ SECURITY_HEADER_CSP: "default-src 'none'; img-src *", SECURITY_HEADER_HSTS: 'max-age=600; preload', SECURITY_HEADER_FRAME_OPTIONS: 'SAMEORIGIN' });
    expect(headers['Content-Security-Policy']).toBe("default-src 'none';img-src *");
    expect(headers['Strict-Transport-Security']).toBe('max-age=600; preload');
    expect(headers['X-Frame-Options']).toBe('SAMEORIGIN');
  });

  it('refuses a policy helmet rejects, at start rather than per request', () => {
    expect(() => securityHeaderSet({ ...seed, SECURITY_HEADER_CSP: 'default-src self' })).toThrow(/should be quoted/);
  });
});
