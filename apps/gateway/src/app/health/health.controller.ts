import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { NotRateLimited } from '../rate-limit/rate-limit.guard';
import { evaluateReadiness, HealthRegistry, READINESS_TIMEOUT_MS } from '@warden/service-host';

@Controller()
@NotRateLimited()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: HealthRegistry,
    @Inject(READINESS_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  /** Liveness: the gateway process answers. */
  @Get('healthz')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 only when NATS, Redis and all five services answer; otherwise 503 naming what is down. */
  @Get('readyz')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const { statusCode, body } = await evaluateReadiness(this.health, this.indicators, this.registry, this.timeoutMs);
    reply.code(statusCode);
    return body;
  }
}
