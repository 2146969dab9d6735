import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuthConfig } from '@warden/config';
import { ServiceHostModule } from '@warden/service-host';
import { AUTH_MIGRATIONS } from '../migrations';
import { DiscordOAuthClient } from './discord/discord-oauth.client';
import { DiscordTokenStore } from './discord-tokens/discord-token.store';
import { LoginHandler } from './login/login.handler';
import { LoginService } from './login/login.service';
import { OAuthStateRepository } from './login/oauth-state.repository';
import { RoleProvisioningService } from './roles/role-provisioning.service';
import { UserRolesLookup } from './roles/user-roles.lookup';
import { ExpiredSessionPurger } from './sessions/expired-session.purger';
import { SessionRepository } from './sessions/session.repository';
import { SessionService } from './sessions/session.service';
import { SessionsHandler } from './sessions/sessions.handler';
import { UserRepository } from './users/user.repository';

/** Tables and migrations of the auth schema. */
export const authDatabase = { entities: [], migrations: AUTH_MIGRATIONS };

@Module({})
export class AuthAppModule {
  static register(config: AuthConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [ServiceHostModule.forService({ service: 'auth', config, appConfig, database: authDatabase })],
      controllers: [LoginHandler, SessionsHandler],
      providers: [
        DiscordOAuthClient,
        DiscordTokenStore,
        LoginService,
        OAuthStateRepository,
        UserRepository,
        SessionRepository,
        SessionService,
        RoleProvisioningService,
        UserRolesLookup,
        ExpiredSessionPurger,
      ],
    };
  }
}
