import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuthConfig } from '@warden/config';
import { ServiceHostModule } from '@warden/service-host';
import { AUTH_MIGRATIONS } from '../migrations';

/** Tables and migrations of the auth schema. */
export const authDatabase = { entities: [], migrations: AUTH_MIGRATIONS };

@Module({})
export class AuthAppModule {
  static register(config: AuthConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [ServiceHostModule.forService({ service: 'auth', config, appConfig, database: authDatabase })],
    };
  }
}
