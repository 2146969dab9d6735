import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

export type SanitizePolicyName = 'escape' | 'none';
const SANITIZE_POLICY = Symbol('SANITIZE_POLICY');

/**
 * Declares how a route's input is sanitized: `escape` (the default) HTML-escapes & < > " ' in every
 * string of body, query and params — lossless, nothing stripped; `none` for opaque fields (plaintext,
 * ciphertext, OAuth code and state). SQL injection is not the sanitizer's job: every query is
 * parameterized.
 */
export const SanitizePolicy = (policy: SanitizePolicyName) => SetMetadata(SANITIZE_POLICY, policy);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Escapes every string, recursively (keys are left alone: they are validated, not displayed). */
export function escapeStrings(value: unknown): unknown {
  if (typeof value === 'string') return escapeHtml(value);
  if (Array.isArray(value)) return value.map(escapeStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)]));
  return value;
}

@Injectable()
export class SanitizeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const policy = this.reflector.getAllAndOverride<SanitizePolicyName>(SANITIZE_POLICY, [context.getHandler(), context.getClass()]) ?? 'escape';
    if (policy === 'escape') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      if (request.body !== undefined) request.body = escapeStrings(request.body);
      request.query = escapeStrings(request.query);
      request.params = escapeStrings(request.params);
    }
    return next.handle();
  }
}
