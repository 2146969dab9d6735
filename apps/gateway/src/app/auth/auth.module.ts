import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { SessionAuthenticator } from './session-authenticator.service';
import { AllowedOrigins } from './allowed-origins';
import { SessionCookies } from './session-cookies';
import { SessionGuard } from './session.guard';

@Module({
  controllers: [AuthController],
  providers: [SessionAuthenticator, SessionCookies, SessionGuard, AllowedOrigins],
  exports: [SessionAuthenticator, SessionCookies, SessionGuard, AllowedOrigins],
})
export class AuthModule {}
