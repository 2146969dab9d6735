import 'reflect-metadata';
import { schedulerConfig } from '@warden/config';
import { runService } from '@warden/service-host';
import { schedulerDatabase, SchedulerAppModule } from './app/app.module';

void runService({
  service: 'scheduler',
  config: schedulerConfig,
  rootModule: (config, appConfig) => SchedulerAppModule.register(config, appConfig),
  database: schedulerDatabase,
});
