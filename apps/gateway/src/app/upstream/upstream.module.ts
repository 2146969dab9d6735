import { Global, Module } from '@nestjs/common';
import { ScopedRpcClient } from './scoped-rpc.client';

@Global()
@Module({ providers: [ScopedRpcClient], exports: [ScopedRpcClient] })
export class UpstreamModule {}
