import { DynamicModule, Global, Module } from '@nestjs/common';
import { AUDIT_CLIENT_OPTIONS, AuditClient, AuditClientOptions } from './audit.client';

@Global()
@Module({})
export class AuditClientModule {
  static forRoot(options: AuditClientOptions): DynamicModule {
    return {
      module: AuditClientModule,
      providers: [{ provide: AUDIT_CLIENT_OPTIONS, useValue: options }, AuditClient],
      exports: [AuditClient],
    };
  }
}
