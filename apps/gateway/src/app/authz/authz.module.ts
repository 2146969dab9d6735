import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuthzController } from './authz.controller';
import { PermissionDecisions } from './permission-decisions.service';
import { PermissionGuard } from './permission.guard';

@Module({
  imports: [AuthModule],
  controllers: [AuthzController],
  providers: [PermissionDecisions, PermissionGuard],
  exports: [PermissionDecisions, PermissionGuard],
})
export class AuthzModule {}
