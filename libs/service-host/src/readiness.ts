import { ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HealthRegistry } from './health-registry';

/**
 * Terminus readiness over the registry's checks. Returns the HTTP status and terminus's body
 * (`{status, info, error, details}`), which names every dependency that is down.
 */
export async function evaluateReadiness(
  health: HealthCheckService,
  indicators: HealthIndicatorService,
  registry: HealthRegistry,
  timeoutMs: number,
): Promise<{ statusCode: number; body: HealthCheckResult }> {
  const results = await registry.runAll(timeoutMs);
  const checks = Object.entries(results).map(([name, result]) => async () =>
    result.up ? indicators.check(name).up() : indicators.check(name).down({ message: result.message ?? 'down' }),
  );
  if (registry.isShuttingDown) {
    checks.push(async () => indicators.check('process').down({ message: 'shutting down' }));
  }
  try {
    return { statusCode: 200, body: await health.check(checks) };
  } catch (error) {
    if (error instanceof ServiceUnavailableException) {
      return { statusCode: 503, body: error.getResponse() as HealthCheckResult };
    }
    throw error;
  }
}
