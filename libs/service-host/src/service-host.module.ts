import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Module, OnModuleInit, Optional } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuditClientModule } from '@warden/audit-client';
import { AppConfig, CoreConfig } from '@warden/config';
import { BackendService } from '@warden/contracts';
import { DatabaseModule, ServiceDatabaseOptions } from '@warden/database';
import { loggingModule } from '@warden/logging';
import { MessagingModule, NATS_CONNECTION, NatsConnectionState } from '@warden/messaging';
import { NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { HealthHttpController, READINESS_TIMEOUT_MS } from './health-http.controller';
import { HealthRegistry } from './health-registry';
import { natsHealthController } from './nats-health.controller';
import { ServiceExceptionFilter } from './service-exception.filter';
import { Clock } from './clock';

export const WARDEN_VERSION = process.env['npm_package_version'] ?? '0.1.0';

export interface ServiceHostOptions {
  service: BackendService;
  config: CoreConfig & { HEALTH_PORT: number; DATABASE_URL?: string };
  appConfig: AppConfig;
  /** Services that own tables: their entities and migrations (schema = service name). */
  database?: Pick<ServiceDatabaseOptions, 'entities' | 'migrations'>;
}

/** Registers the checks every service has: NATS, and Postgres when it owns a schema. */
@Injectable()
class CoreDependencyChecks implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly natsState: NatsConnectionState,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('nats', async () => {
      if (!this.natsState.isUp) throw new Error('NATS is disconnected');
      await this.nats.rtt();
    });
    if (this.dataSource) {
      const dataSource = this.dataSource;
      this.registry.register('database', async () => {
        await dataSource.query('SELECT 1');
      });
    }
  }

  beforeApplicationShutdown(): void {
    this.registry.markShuttingDown();
  }
}

/**
 * Everything a backend service has in common: validated config, JSON logs, NATS messaging, the audit
 * client, its own Postgres schema with migrations, and health over HTTP (HEALTH_PORT) and NATS.
 */
@Global()
@Module({})
export class ServiceHostModule {
  static forService(options: ServiceHostOptions): DynamicModule {
    const { service, config } = options;
    const database = options.database && config.DATABASE_URL
      ? [
          DatabaseModule.forService({
            schema: service,
            url: config.DATABASE_URL,
            applicationName: `warden-${service}`,
            ...options.database,
          }),
        ]
      : [];
    return {
      module: ServiceHostModule,
      imports: [
        loggingModule({ service, level: config.LOG_LEVEL }),
        MessagingModule.forRoot(service, config),
        AuditClientModule.forRoot({ source: service, stream: config.AUDIT_STREAM, subjectPrefix: config.NATS_SUBJECT_PREFIX }),
        TerminusModule.forRoot({ logger: false }),
        ...database,
      ],
      controllers: [HealthHttpController, natsHealthController(service, WARDEN_VERSION)],
      providers: [
        HealthRegistry,
        Clock,
        CoreDependencyChecks,
        { provide: APP_FILTER, useClass: ServiceExceptionFilter },
        { provide: AppConfig, useValue: options.appConfig },
        { provide: READINESS_TIMEOUT_MS, useValue: 1_500 },
      ],
      exports: [HealthRegistry, AppConfig, Clock, ...database],
    };
  }
}
