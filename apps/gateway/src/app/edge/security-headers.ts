import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityHeaderSettings {
  SECURITY_HEADER_CSP: string;
  SECURITY_HEADER_HSTS: string;
  SECURITY_HEADER_FRAME_OPTIONS: 'DENY' | 'SAMEORIGIN';
}

/** `default-src 'self'; img-src *` → { defaultSrc: ["'self'"], imgSrc: ['*'] } for helmet. */
export function cspDirectives(policy: string): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    directives[name!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = values;
  }
  return directives;
}

/**
 * The seed's security headers (section 6), with its exact values by default, on every response, plus a
 * few modern ones. Set through helmet so that each header is the maintained implementation; the values
 * of CSP, HSTS and frame options are configurable.
 */
export async function installSecurityHeaders(fastify: FastifyInstance, settings: SecurityHeaderSettings): Promise<void> {
  const hsts = /^max-age=(\d+)/.exec(settings.SECURITY_HEADER_HSTS)!;
  await fastify.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(settings.SECURITY_HEADER_CSP) },
    frameguard: { action: settings.SECURITY_HEADER_FRAME_OPTIONS === 'DENY' ? 'deny' : 'sameorigin' },
    noSniff: true,
    // helmet sets "0" by default; the seed asks for the legacy block mode (set below).
    xXssProtection: false,
    strictTransportSecurity: {
      maxAge: Number(hsts[1]),
      includeSubDomains: /includeSubDomains/.test(settings.SECURITY_HEADER_HSTS),
      preload: /preload/.test(settings.SECURITY_HEADER_HSTS),
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    hidePoweredBy: true,
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('X-XSS-Protection', '1; mode=block');
    done(null, payload);
  });
}
