import { Injectable } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import type { FastifyRequest } from 'fastify';

/** The gateway's own origin plus ALLOWED_ORIGINS: where cookie-authenticated unsafe requests may come from. */
@Injectable()
export class AllowedOrigins {
  private readonly allowed: ReadonlySet<string>;

  constructor(config: AppConfig<typeof gatewayConfig.shape>) {
    this.allowed = new Set(config.get('ALLOWED_ORIGINS'));
  }

  isAllowed(request: FastifyRequest): boolean {
    const origin = request.headers.origin ?? originOf(request.headers.referer);
    if (!origin || origin === 'null') return false;
    return origin === `${request.protocol}://${request.host}` || this.allowed.has(origin);
  }
}

function originOf(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
