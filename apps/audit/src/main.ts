import 'reflect-metadata';
import { auditConfig } from '@warden/config';
import { runService } from '@warden/service-host';
import { auditDatabase, AuditAppModule } from './app/app.module';

void runService({
  service: 'audit',
  config: auditConfig,
  rootModule: (config, appConfig) => AuditAppModule.register(config, appConfig),
  database: auditDatabase,
});
