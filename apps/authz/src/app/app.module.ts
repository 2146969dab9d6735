import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuthzConfig } from '@warden/config';
import { ServiceHostModule } from '@warden/service-host';
import { AUTHZ_MIGRATIONS } from '../migrations';
import { AssignmentRepository } from './assignments/assignment.repository';
import { AssignmentsHandler } from './assignments/assignments.handler';

/** Tables and migrations of the authz schema. */
export const authzDatabase = { entities: [], migrations: AUTHZ_MIGRATIONS };

@Module({})
export class AuthzAppModule {
  static register(config: AuthzConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: AuthzAppModule,
      imports: [ServiceHostModule.forService({ service: 'authz', config, appConfig, database: authzDatabase })],
      controllers: [AssignmentsHandler],
      providers: [AssignmentRepository],
    };
  }
}
