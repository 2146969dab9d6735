import 'reflect-metadata';
import { authzConfig } from '@warden/config';
import { runService } from '@warden/service-host';
import { authzDatabase, AuthzAppModule } from './app/app.module';

void runService({
  service: 'authz',
  config: authzConfig,
  rootModule: (config, appConfig) => AuthzAppModule.register(config, appConfig),
  database: authzDatabase,
});
