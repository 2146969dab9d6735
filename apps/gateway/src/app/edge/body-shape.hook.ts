import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

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

/** Every route of the gateway that takes a body takes JSON: anything else is 415, before any other check. */
export function installBodyShapeCheck(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined) return done();
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return done(new UnsupportedMediaTypeException('request bodies must be application/json'));
    const problem = checkBodyShape(request.body);
    done(problem ? new BadRequestException(problem) : undefined);
  });
}
