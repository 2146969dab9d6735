import { Controller, Type } from '@nestjs/common';
import { BackendService, ServiceHealth, ServiceHealthReply } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { HealthRegistry } from './health-registry';

const startedAt = Date.now();

/** Builds the controller answering `<service>.health` over NATS from the same checks as /readyz. */
export function natsHealthController(service: BackendService, version: string): Type<unknown> {
  const contract = ServiceHealth[service];

  @Controller()
  class NatsHealthController {
    constructor(private readonly registry: HealthRegistry) {}

    @HandleRequest(contract)
    async health(@ContractPayload(contract) _request: unknown): Promise<ServiceHealthReply> {
      const results = await this.registry.runAll(1_000);
      const dependencies = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.up ? 'up' : 'down'] as const));
      return {
        service,
        status: Object.values(results).every((r) => r.up) ? 'ok' : 'degraded',
        version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        dependencies,
      };
    }
  }
  return NatsHealthController;
}
