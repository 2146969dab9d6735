import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuthzModule } from '../authz/authz.module';
import { AuditController } from './audit.controller';

@Module({ imports: [AuthModule, AuthzModule], controllers: [AuditController] })
export class AuditModule {}
