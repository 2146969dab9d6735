import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/** What a route declares about its input, carried in its Fastify route config for the edge hooks. */
export interface WardenRouteConfig {
  /** How strings of the input are sanitized: `escape` (the default) or `none` for opaque fields. */
  sanitize?: 'escape' | 'none';
  /** The route validates a query (any query parameter is refused otherwise). */
  takesQuery?: true;
  /** The route validates a body (any non-empty body is refused otherwise). */
  takesBody?: true;
}

/**
 * Adds to the Fastify route config of a handler. Nest's RouteConfig replaces the whole config; our
 * decorators each own one part of it and may stand on the method, its parameters or its class.
 */
export function addRouteConfig(handler: object, part: WardenRouteConfig): void {
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...routeConfigOf(handler), ...part }, handler);
}

/** What a handler's decorators have declared so far. */
export function routeConfigOf(handler: object): WardenRouteConfig {
  return (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as WardenRouteConfig | undefined) ?? {};
}
