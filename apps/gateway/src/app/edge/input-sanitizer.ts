import type { FastifyInstance } from 'fastify';
import { addRouteConfig, routeConfigOf, WardenRouteConfig } from './route-config';
import { routeOf } from './route-of';

export type SanitizePolicyName = NonNullable<WardenRouteConfig['sanitize']>;

/**
 * Declares how a route's input is sanitized: `escape` (the default) HTML-escapes & < > " ' in every
 * string of body, query and params — lossless, nothing stripped; `none` for opaque fields (plaintext,
 * ciphertext, OAuth code and state). On a controller it applies to each of its routes that declares none. SQL injection is
 * not the sanitizer's job: every query is parameterized.
 *
 * The policy travels in the Fastify route config and is applied by a Fastify hook rather than a Nest
 * interceptor: an interceptor cost each request two AsyncResource bindings and an rxjs pipeline.
 */
export function SanitizePolicy(policy: SanitizePolicyName): ClassDecorator & MethodDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor && key !== undefined) {
      addRouteConfig(descriptor.value as object, { sanitize: policy });
      return descriptor;
    }
    // A class decorator runs after its methods': a route's own policy stays, as a method beats its class in Nest.
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || typeof method?.value !== 'function') continue;
      if (routeConfigOf(method.value as object).sanitize === undefined) addRouteConfig(method.value as object, { sanitize: policy });
    }
    return undefined;
  }) as ClassDecorator & MethodDecorator;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const NEEDS_ESCAPE = /[&<>"']/;

export function escapeHtml(value: string): string {
  // Most strings (ids, names) have nothing to escape: no replacement pass for them.
  return NEEDS_ESCAPE.test(value) ? value.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : value;
}

/** Whether any string in `value` has a character to escape (most inputs have none: nothing is copied then). */
function needsEscaping(value: unknown): boolean {
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value);
  if (Array.isArray(value)) return value.some(needsEscaping);
  if (value && typeof value === 'object') {
    for (const key in value) if (Object.hasOwn(value, key) && needsEscaping((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** Escapes every string, recursively (keys are left alone: they are validated, not displayed). */
export function escapeStrings(value: unknown): unknown {
  return needsEscaping(value) ? escapeAll(value) : value;
}

function escapeAll(value: unknown): unknown {
  if (typeof value === 'string') return escapeHtml(value);
  if (Array.isArray(value)) return value.map(escapeAll);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeAll(v)]));
  return value;
}

/** Applies each route's policy once the body is parsed, before guards, pipes and the handler. */
export function installInputSanitizer(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    const policy = (routeOf(request).config as WardenRouteConfig | undefined)?.sanitize ?? 'escape';
    if (policy === 'escape') {
      if (request.body !== undefined) request.body = escapeStrings(request.body);
      request.query = escapeStrings(request.query);
      request.params = escapeStrings(request.params);
    }
    done();
  });
}
