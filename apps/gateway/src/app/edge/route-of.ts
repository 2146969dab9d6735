import type { FastifyRequest } from 'fastify';

const ROUTE = Symbol('WARDEN_ROUTE');

export interface MatchedRoute {
  /** The route template (`/authz/users/:userId/roles`), or undefined when no route matched (404). */
  readonly url: string | undefined;
  /** The route's Fastify config (where the sanitize policy travels). */
  readonly config: unknown;
}

/**
 * The route a request matched. Fastify builds a new `routeOptions` object on every access, and the
 * sanitizer, the rate limiter, the metrics and the request log each need it: it is read once per request.
 */
export function routeOf(request: FastifyRequest): MatchedRoute {
  const carrier = request as FastifyRequest & { [ROUTE]?: MatchedRoute };
  let route = carrier[ROUTE];
  if (!route) {
    const options = request.routeOptions;
    route = carrier[ROUTE] = { url: options.url, config: options.config };
  }
  return route;
}
