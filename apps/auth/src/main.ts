import 'reflect-metadata';
import { authConfig } from '@warden/config';
import { runService } from '@warden/service-host';
import { authDatabase, AuthAppModule } from './app/app.module';

void runService({
  service: 'auth',
  config: authConfig,
  rootModule: (config, appConfig) => AuthAppModule.register(config, appConfig),
  database: authDatabase,
});
