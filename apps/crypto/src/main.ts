import 'reflect-metadata';
import { cryptoConfig } from '@warden/config';
import { runService } from '@warden/service-host';
import { cryptoDatabase, CryptoAppModule } from './app/app.module';

void runService({
  service: 'crypto',
  config: cryptoConfig,
  rootModule: (config, appConfig) => CryptoAppModule.register(config, appConfig),
  database: cryptoDatabase,
});
