/** Baseline: a bare NestJS-on-Fastify hello with the same security headers as the gateway. */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { installSecurityHeaders } from '../../apps/gateway/src/app/edge/security-headers';

@Controller()
class HelloController {
  @Get()
  hello() {
    return { user: { id: '00000000-0000-0000-0000-000000000000', roles: ['user'] } };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const adapter = new FastifyAdapter();
  installSecurityHeaders(adapter.getInstance(), {
    SECURITY_HEADER_CSP: "default-src 'self'",
    SECURITY_HEADER_HSTS: 'max-age=31536000; includeSubDomains',
    SECURITY_HEADER_FRAME_OPTIONS: 'DENY',
  });
  const app = await NestFactory.create<NestFastifyApplication>(HelloModule, adapter, { logger: false });
  await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
}
void main();
