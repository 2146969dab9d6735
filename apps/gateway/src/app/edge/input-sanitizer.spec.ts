import { z } from 'zod';
import { ValidBody } from '../validation/valid-input.decorators';
import { escapeHtml, escapeStrings, SanitizePolicy } from './input-sanitizer';
import { routeConfigOf } from './route-config';

describe('escapeStrings', () => {
  it('HTML-escapes the five characters in every string, at any depth, losslessly', () => {
    expect(escapeStrings({ name: `O'Brien <b>&"x"</b>`, tags: ['a&b', { deep: ['<i>'] }], n: 3, ok: true, none: null })).toEqual({
      name: 'O&#39;Brien &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;',
      tags: ['a&amp;b', { deep: ['&lt;i&gt;'] }],
      n: 3,
      ok: true,
      none: null,
    });
  });

  it('leaves keys alone and hands back the very input when nothing needs escaping', () => {
    const clean = { userId: '3f1c0c8e-5a4b-4c2d-9e8f-0a1b2c3d4e5f', list: ['a', 'b'], nested: { x: 'y' } };
    expect(escapeStrings(clean)).toBe(clean);
    expect(escapeStrings({ '<key>': 'v&' })).toEqual({ '<key>': 'v&amp;' });
  });

  it('keeps a __proto__ key an own property rather than a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "<x>"}}') as object;
    const escaped = escapeStrings(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(escaped)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('escapes nothing else', () => {
    expect(escapeHtml('plain text; 100% fine / ok = yes')).toBe('plain text; 100% fine / ok = yes');
  });
});

describe('SanitizePolicy', () => {
  @SanitizePolicy('none')
  class Routes {
    @SanitizePolicy('escape')
    own(@ValidBody(z.object({ text: z.string() })) _body: unknown) {
      return undefined;
    }

    inherited() {
      return undefined;
    }
  }

  it("applies a controller's policy to its routes without one, and never over a route's own", () => {
    expect(routeConfigOf(Routes.prototype.inherited)).toEqual({ sanitize: 'none' });
    expect(routeConfigOf(Routes.prototype.own)).toEqual({ sanitize: 'escape', takesBody: true });
  });
});
