import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuthzModule } from '../authz/authz.module';
import { CryptoController } from './crypto.controller';

@Module({ imports: [AuthModule, AuthzModule], controllers: [CryptoController] })
export class CryptoModule {}
