import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuthzConfig } from '@warden/config';
import { ServiceHostModule } from '@warden/service-host';
import { AUTHZ_MIGRATIONS } from '../migrations';
import { CheckHandler } from './decisions/check.handler';
import { GrantRepository } from './decisions/grant.repository';
import { PermissionCache } from './decisions/permission-cache';
import { PermissionChecker } from './decisions/permission-checker.service';
import { RoleRepository } from './roles/role.repository';
import { RolesHandler } from './roles/roles.handler';
import { RolesService } from './roles/roles.service';

/** Tables and migrations of the authz schema. */
export const authzDatabase = { entities: [], migrations: AUTHZ_MIGRATIONS };

@Module({})
export class AuthzAppModule {
  static register(config: AuthzConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: AuthzAppModule,
      imports: [ServiceHostModule.forService({ service: 'authz', config, appConfig, database: authzDatabase })],
      controllers: [CheckHandler, RolesHandler],
      providers: [PermissionCache, GrantRepository, PermissionChecker, RoleRepository, RolesService],
    };
  }
}
