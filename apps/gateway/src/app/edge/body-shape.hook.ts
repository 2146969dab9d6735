import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { describeIssues } from '@warden/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WardenRouteConfig } from './route-config';
import { routeOf } from './route-of';

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** What a route that declares no query or no body accepts there: nothing (an empty JSON object at most). */
const NOTHING = z.object({}).strict();

/** Refuses bodies nested deeper than 32 levels or carrying prototype-polluting keys (400). */
export function checkBodyShape(value: unknown, depth = 0): string | null {
  if (depth > MAX_DEPTH) return `body is nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = checkBodyShape(item, depth + 1);
      if (problem) return problem;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `key "${key}" is not allowed`;
      const problem = checkBodyShape(item, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}

function hasAnyKey(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

/** A 400 listing input a route does not declare, in the shape the validation pipe uses; none for an empty object. */
function undeclaredInput(value: unknown, root: string): BadRequestException | undefined {
  const parsed = NOTHING.safeParse(value);
  return parsed.success ? undefined : new BadRequestException({ message: 'validation failed', fields: describeIssues(parsed.error, root) });
}

/**
 * Every route of the gateway that takes a body takes JSON: anything else is 415, before any other check.
 * Input a route does not declare (ValidQuery, ValidBody) is refused with 400: a query parameter on a
 * route without a query schema, a non-empty body on one without a body schema.
 */
export function installBodyShapeCheck(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const route = routeOf(request);
    // No route matched: the 404 needs no input checks.
    if (route.url === undefined) return done();
    const declared = route.config as WardenRouteConfig | undefined;
    if (!declared?.takesQuery && hasAnyKey(request.query as object)) return done(undeclaredInput(request.query, '(query)'));
    if (request.body === undefined) return done();
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return done(new UnsupportedMediaTypeException('request bodies must be application/json'));
    const problem = checkBodyShape(request.body);
    if (problem) return done(new BadRequestException(problem));
    done(declared?.takesBody ? undefined : undeclaredInput(request.body, '(body)'));
  });
}
