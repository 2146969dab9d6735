import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig, gatewayConfig } from '@warden/config';
import { BACKEND_SERVICES, ServiceHealth } from '@warden/contracts';
import { NATS_CONNECTION, NatsConnectionState, NatsRpcClient } from '@warden/messaging';
import { REDIS_CLIENT } from '@warden/redis';
import { HealthRegistry } from '@warden/service-host';
import Redis from 'ioredis';
import { NatsConnection } from 'nats';

/** The gateway is ready when NATS, Redis and all five services answer. */
@Injectable()
export class GatewayDependencyChecks implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly natsState: NatsConnectionState,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly rpc: NatsRpcClient,
    private readonly config: AppConfig<typeof gatewayConfig.shape>,
  ) {}

  onModuleInit(): void {
    const timeoutMs = this.config.get('READINESS_TIMEOUT_MS');
    this.registry.register('nats', async () => {
      this.assertNatsUp();
      await this.nats.rtt();
    });
    this.registry.register('redis', async () => {
      await this.redis.ping();
    });
    for (const service of BACKEND_SERVICES) {
      this.registry.register(service, async () => {
        this.assertNatsUp();
        const health = await this.rpc.request(ServiceHealth[service], {}, { timeoutMs });
        if (health.status !== 'ok') {
          const down = Object.entries(health.dependencies)
            .filter(([, status]) => status === 'down')
            .map(([name]) => name);
          throw new Error(`${service} is degraded: ${down.join(', ')} down`);
        }
      });
    }
  }

  private assertNatsUp(): void {
    if (!this.natsState.isUp) throw new Error('NATS is disconnected');
  }
}
