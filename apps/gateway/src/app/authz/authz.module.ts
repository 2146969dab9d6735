import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuthzController } from './authz.controller';
import { PermissionGuard } from './permission.guard';

@Module({
  imports: [AuthModule],
  controllers: [AuthzController],
  providers: [PermissionGuard],
  exports: [PermissionGuard],
})
export class AuthzModule {}
