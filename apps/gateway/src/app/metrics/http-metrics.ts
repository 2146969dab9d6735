import type { FastifyInstance } from 'fastify';
import { routeOf } from '../edge/route-of';
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

/** Prometheus metrics of the gateway: process defaults, and requests by route and status. */
export class HttpMetrics {
  readonly requests = new Counter({
    name: 'warden_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
  });

  readonly duration = new Histogram({
    name: 'warden_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  constructor() {
    collectDefaultMetrics({ register });
  }

  /** Counts every answered request; unmatched paths share one label so scanners cannot explode cardinality. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const labels = {
        method: request.method,
        route: routeOf(request).url ?? 'unmatched',
        status: String(reply.statusCode),
      };
      this.requests.inc(labels);
      this.duration.observe(labels, reply.elapsedTime / 1000);
      done();
    });
  }
}

export const httpMetrics = new HttpMetrics();
