import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuditConfig } from '@warden/config';
import { ServiceHostModule } from '@warden/service-host';
import { AUDIT_MIGRATIONS } from '../migrations';
import { AuditHandler } from './audit.handler';
import { AuditLogRepository } from './chain/audit-log.repository';
import { ChainVerifier } from './chain/chain-verifier.service';
import { AuditIngestor } from './ingest/audit-ingestor.service';
import { AuditQueryService } from './query/audit-query.service';

/** Tables and migrations of the audit schema. */
export const auditDatabase = { entities: [], migrations: AUDIT_MIGRATIONS };

@Module({})
export class AuditAppModule {
  static register(config: AuditConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: AuditAppModule,
      imports: [ServiceHostModule.forService({ service: 'audit', config, appConfig, database: auditDatabase })],
      controllers: [AuditHandler],
      providers: [AuditLogRepository, AuditIngestor, ChainVerifier, AuditQueryService],
    };
  }
}
