import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { SessionAuthenticator } from './session-authenticator.service';
import { SessionCookies } from './session-cookies';
import { SessionGuard } from './session.guard';

@Module({
  controllers: [AuthController],
  providers: [SessionAuthenticator, SessionCookies, SessionGuard],
  exports: [SessionAuthenticator, SessionCookies, SessionGuard],
})
export class AuthModule {}
