import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { gatewayConfig, loadConfigOrExit } from '@warden/config';
import { installGracefulShutdown } from '@warden/service-host';
import { Logger } from 'nestjs-pino';
import { GatewayAppModule } from './app/app.module';
import { genRequestId, installRequestContext } from './app/edge/request-context.hooks';
import { installBodyShapeCheck } from './app/edge/body-shape.hook';
import { installInputSanitizer } from './app/edge/input-sanitizer';
import { IpBlocklistCache } from './app/security/ip-blocklist.cache';
import { installIpBlocklist } from './app/security/ip-blocklist.hook';
import { installSecurityHeaders } from './app/edge/security-headers';
import { httpMetrics } from './app/metrics/http-metrics';

const ONE_MIB = 1024 * 1024;

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('gateway', gatewayConfig);
  const adapter = new FastifyAdapter({
    bodyLimit: ONE_MIB,
    requestIdHeader: false,
    genReqId: genRequestId,
    // The client is the socket's peer, or the X-Forwarded-For hop added by a proxy we trust — never a
    // header an untrusted client sent.
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Credentials in headers are long; 16 KiB of headers is plenty and bounds abuse.
    maxParamLength: 256,
    return503OnClosing: true,
  });
  const fastify = adapter.getInstance();
  installSecurityHeaders(fastify, config);
  await fastify.register(fastifyCookie);
  installRequestContext(fastify);
  installBodyShapeCheck(fastify);
  installInputSanitizer(fastify);
  await fastify.register(fastifyCors, {
    // A listed origin gets the CORS headers; any other request (no Origin, or an unlisted one) gets none, and
    // its preflight is not answered as CORS.
    origin: (origin, callback) => callback(null, origin !== undefined && config.ALLOWED_ORIGINS.includes(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
  });
  httpMetrics.install(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(GatewayAppModule.register(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  const logger = app.get(Logger);
  installIpBlocklist(fastify, app.get(IpBlocklistCache));
  // The OpenAPI document, generated from the routes and the zod schemas that validate them.
  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Warden')
      .setDescription('Discord login and sessions, RBAC, envelope encryption, audit log and security scans.')
      .setVersion(process.env['npm_package_version'] ?? '0.1.0')
      .addBearerAuth()
      .addCookieAuth('__Host-session')
      .build(),
  );
  fastify.get('/openapi.json', (_request, reply) => {
    void reply.header('content-type', 'application/json; charset=utf-8').send(openApi);
  });
  app.useLogger(logger);
  installGracefulShutdown(app, logger, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST });
  logger.log(`warden-gateway is listening on ${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`warden-gateway: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
