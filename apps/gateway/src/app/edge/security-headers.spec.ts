import { cspDirectives } from './security-headers';

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
