import { DynamicModule, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, ConfigDefinition, ConfigShape, ConfigValues, CoreConfig, defineConfig, loadConfigOrExit, Variables } from '@warden/config';

const migrationConfig = defineConfig({ NODE_ENV: Variables.NODE_ENV, LOG_LEVEL: Variables.LOG_LEVEL, DATABASE_URL: Variables.DATABASE_URL });
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
  try {
    if (argv[0] === 'migrate') {
      // Migrations need only the database: a migration Job carries no Discord or KMS secrets.
      const migrationValues = loadConfigOrExit(definition.service, migrationConfig);
      await migrateOnly(definition, migrationValues);
      return;
    }
    const values = loadConfigOrExit(definition.service, definition.config);
    await serve(definition, values, values as unknown as HostedConfig);
  } catch (error) {
    // One line, no stack: what failed at start-up.
    process.stderr.write(`warden-${definition.service}: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

async function migrateOnly<S extends ConfigShape>(definition: ServiceDefinition<S>, config: { DATABASE_URL: string }): Promise<void> {
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
      connection: natsConnectionOptions(config, `warden-${definition.service}`, definition.service),
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      queue: queueGroupOf(definition.service),
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    }),
    // The app's global filter (ServiceExceptionFilter) must also answer NATS handlers' errors: without it,
    // an unexpected error (e.g. Postgres unreachable) became a bare INTERNAL instead of SERVICE_UNAVAILABLE.
  }, { inheritAppConfig: true });
  installGracefulShutdown(app, app.get(Logger), config.SHUTDOWN_TIMEOUT_MS);
  // Every onModuleInit (key-check, caches loaded) completes before the service joins its NATS queue
  // groups: Nest runs them only at listen(), so a replica that then failed to start (e.g. crypto with the
  // wrong KMS_MASTER_KEY) had already subscribed, and requests routed to it in that window were lost.
  await app.init();
  await app.startAllMicroservices();
  await app.listen({ port: config.HEALTH_PORT, host: '0.0.0.0' });
  app.get(Logger).log(`warden-${definition.service} is serving NATS and health on :${config.HEALTH_PORT}`);
}
