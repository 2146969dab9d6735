import { DynamicModule, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, ConfigDefinition, ConfigShape, ConfigValues, CoreConfig, loadConfigOrExit } from '@warden/config';
import { BackendService, queueGroupOf } from '@warden/contracts';
import { dataSourceOptions, runMigrations, ServiceDatabaseOptions } from '@warden/database';
import { natsConnectionOptions, WardenNatsServer } from '@warden/messaging';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { installGracefulShutdown } from './graceful-shutdown';

type HostedConfig = CoreConfig & { HEALTH_PORT: number; DATABASE_URL?: string };

export interface ServiceDefinition<S extends ConfigShape> {
  service: BackendService;
  config: ConfigDefinition<S>;
  /** The service's root module for a validated configuration. */
  rootModule: (config: ConfigValues<S>, appConfig: AppConfig<S>) => DynamicModule;
  database?: Pick<ServiceDatabaseOptions, 'entities' | 'migrations'>;
}

/**
 * The main() of a backend service. `node main.js` serves; `node main.js migrate` applies the
 * service's migrations and exits (the path `npm start`, `npm run migrate` and deploy Jobs share).
 */
export async function runService<S extends ConfigShape>(definition: ServiceDefinition<S>, argv = process.argv.slice(2)): Promise<void> {
  const values = loadConfigOrExit(definition.service, definition.config);
  const config = values as unknown as HostedConfig;
  try {
    if (argv[0] === 'migrate') {
      await migrateOnly(definition, config);
      return;
    }
    await serve(definition, values, config);
  } catch (error) {
    // One line, no stack: what failed at start-up.
    process.stderr.write(`warden-${definition.service}: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

async function migrateOnly<S extends ConfigShape>(definition: ServiceDefinition<S>, config: HostedConfig): Promise<void> {
  if (!definition.database || !config.DATABASE_URL) {
    process.stdout.write(`warden-${definition.service}: no database, nothing to migrate\n`);
    return;
  }
  const dataSource = new DataSource(
    dataSourceOptions({ schema: definition.service, url: config.DATABASE_URL, applicationName: `warden-${definition.service}-migrate`, ...definition.database }),
  );
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource, definition.service, new NestLogger('Migrations'));
    process.stdout.write(`warden-${definition.service}: ${applied.length} migration(s) applied\n`);
  } finally {
    await dataSource.destroy();
  }
}

async function serve<S extends ConfigShape>(definition: ServiceDefinition<S>, values: ConfigValues<S>, config: HostedConfig): Promise<void> {
  const appConfig = new AppConfig<S>(values);
  const app = await NestFactory.create<NestFastifyApplication>(definition.rootModule(values, appConfig), new FastifyAdapter(), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.connectMicroservice({
    strategy: new WardenNatsServer({
      connection: natsConnectionOptions(config, `warden-${definition.service}`),
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      queue: queueGroupOf(definition.service),
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    }),
  });
  installGracefulShutdown(app, app.get(Logger), config.SHUTDOWN_TIMEOUT_MS);
  await app.startAllMicroservices();
  await app.listen({ port: config.HEALTH_PORT, host: '0.0.0.0' });
  app.get(Logger).log(`warden-${definition.service} is serving NATS and health on :${config.HEALTH_PORT}`);
}
