import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuditClientModule } from '@warden/audit-client';
import { AppConfig, gatewayConfig, GatewayConfig } from '@warden/config';
import { loggingModule } from '@warden/logging';
import { MessagingModule } from '@warden/messaging';
import { RedisModule } from '@warden/redis';
import { HealthRegistry, READINESS_TIMEOUT_MS } from '@warden/service-host';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { AuthzModule } from './authz/authz.module';
import { CryptoModule } from './crypto/crypto.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SecurityModule } from './security/security.module';
import { GatewayDependencyChecks } from './health/gateway-dependency-checks';
import { HealthController } from './health/health.controller';
import { HttpErrorFilter } from './http-errors/http-error.filter';
import { MetricsController } from './metrics/metrics.controller';
import { UpstreamModule } from './upstream/upstream.module';

/** The gateway's validated configuration, for every module. */
@Global()
@Module({})
class GatewayConfigModule {
  static register(config: GatewayConfig): DynamicModule {
    const provider = { provide: AppConfig, useValue: new AppConfig<typeof gatewayConfig.shape>(config) };
    return { module: GatewayConfigModule, providers: [provider], exports: [provider] };
  }
}

@Module({})
export class GatewayAppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayAppModule,
      imports: [
        GatewayConfigModule.register(config),
        loggingModule({ service: 'gateway', level: config.LOG_LEVEL }),
        MessagingModule.forRoot('gateway', config),
        UpstreamModule,
        AuditClientModule.forRoot({ source: 'gateway', stream: config.AUDIT_STREAM, subjectPrefix: config.NATS_SUBJECT_PREFIX }),
        RedisModule.forRoot('gateway', config),
        TerminusModule.forRoot({ logger: false }),
        AuthModule,
        AuthzModule,
        CryptoModule,
        AuditModule,
        RateLimitModule,
        SecurityModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: READINESS_TIMEOUT_MS, useValue: config.READINESS_TIMEOUT_MS },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        HealthRegistry,
        GatewayDependencyChecks,
      ],
    };
  }
}
