import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CoreConfig } from '@warden/config';
import { BackendService, queueGroupOf } from '@warden/contracts';
import { natsConnectionOptions, WardenNatsServer } from '@warden/messaging';
import { Clock } from '@warden/service-host';

/** A clock a test moves by hand. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start = Date.now()) {
    super();
    this.current = start;
  }

  override now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * Runs a backend service inside the test process (NATS transport included), with providers replaced —
 * for tests that must inject the clock. Everything else is as in production.
 */
export async function startServiceInProcess(
  service: BackendService,
  rootModule: DynamicModule,
  config: CoreConfig,
  overrides: Array<{ provide: Type<unknown>; useValue: unknown }> = [],
): Promise<INestApplication> {
  let builder = Test.createTestingModule({ imports: [rootModule] });
  for (const override of overrides) builder = builder.overrideProvider(override.provide).useValue(override.useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.connectMicroservice({
    strategy: new WardenNatsServer({
      connection: natsConnectionOptions(config, `warden-${service}-test`, service),
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      queue: queueGroupOf(service),
      shutdownTimeoutMs: 5_000,
    }),
  });
  await app.startAllMicroservices();
  await app.init();
  return app;
}
