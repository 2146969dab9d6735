import { DynamicModule } from '@nestjs/common';
import { RequestContext } from '@warden/messaging';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './redaction';

export interface LoggingOptions {
  service: string;
  level: string;
}

/**
 * Structured JSON logs: service name and request id on every line, credentials redacted.
 *
 * nestjs-pino's per-request pino-http middleware is not mounted (`forRoutes: []`): it built two child
 * loggers per request, redacting their bindings even when nothing was logged — 14% of the gateway's CPU
 * under load. In services the request id reaches every line through the mixin (RequestContext); the
 * gateway, which runs without AsyncLocalStorage, puts it in its lines itself and writes its one line per
 * request from a Fastify hook (`logHttpRequest`).
 */
export function loggingModule(options: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [],
    pinoHttp: {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTION_CENSOR },
      mixin: () => {
        const requestId = RequestContext.requestId();
        return requestId ? { requestId } : {};
      },
      formatters: { level: (label) => ({ level: label }) },
      autoLogging: false,
      serializers: {
        err: (err: Error) => ({ type: err.name, message: err.message.slice(0, 300) }),
      },
    },
  });
}

export interface HttpRequestLogLine {
  requestId: string;
  method: string;
  /** The route pattern or the path — never the query string: OAuth codes and states travel there. */
  path: string;
  statusCode: number;
  responseTimeMs: number;
}

/** One line per HTTP request, at error level for 5xx answers. */
export function logHttpRequest(line: HttpRequestLogLine): void {
  const logger = PinoLogger.root;
  const errored = line.statusCode >= 500;
  // On the gateway's hot path: nothing is built for a line the level drops.
  if (!logger.isLevelEnabled(errored ? 'error' : 'info')) return;
  // Flat fields: pino-http's logger keeps its serializers for `req`/`res`, which expect Node's objects.
  const fields = {
    requestId: line.requestId,
    method: line.method,
    path: line.path,
    statusCode: line.statusCode,
    responseTime: Math.round(line.responseTimeMs * 100) / 100,
  };
  if (errored) logger.error(fields, 'request errored');
  else logger.info(fields, 'request completed');
}
