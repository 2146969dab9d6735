import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { register } from 'prom-client';
import { HealthRegistry } from './health-registry';
import { evaluateReadiness } from './readiness';

export const READINESS_TIMEOUT_MS = Symbol('READINESS_TIMEOUT_MS');

/** The health port of a backend service: Kubernetes liveness and readiness probes, and Prometheus. */
@Controller()
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: HealthRegistry,
    @Inject(READINESS_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  /** Liveness: the process and its event loop answer. Dependencies do not matter here. */
  @Get('healthz')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const { statusCode, body } = await evaluateReadiness(this.health, this.indicators, this.registry, this.timeoutMs);
    reply.code(statusCode);
    return body;
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
