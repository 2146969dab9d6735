import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuthzModule } from '../authz/authz.module';
import { IpBlocklistCache } from './ip-blocklist.cache';
import { SecurityController } from './security.controller';

@Module({
  imports: [AuthModule, AuthzModule],
  controllers: [SecurityController],
  providers: [IpBlocklistCache],
  exports: [IpBlocklistCache],
})
export class SecurityModule {}
