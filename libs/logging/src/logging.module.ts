import { DynamicModule } from '@nestjs/common';
import { acceptRequestId, RequestContext } from '@warden/messaging';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './redaction';

export interface LoggingOptions {
  service: string;
  level: string;
  /** Log one line per HTTP request (the gateway); health ports of services stay quiet. */
  logHttpRequests: boolean;
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Path without the query string: OAuth codes and states travel in queries and must not be logged. */
function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

/** Structured JSON logs: service name and request id on every line, credentials redacted. */
export function loggingModule(options: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
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
      genReqId: (req: IncomingMessage & { id?: unknown }) => (typeof req.id === 'string' ? req.id : acceptRequestId(req.headers['x-request-id'])),
      autoLogging: options.logHttpRequests ? { ignore: (req: IncomingMessage) => QUIET_PATHS.has(pathOf(req.url)) } : false,
      quietReqLogger: true,
      serializers: {
        req: (req: IncomingMessage & { id?: string; raw?: IncomingMessage }) => ({
          id: req.id,
          method: req.method,
          path: pathOf(req.url),
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: (err: Error) => ({ type: err.name, message: err.message.slice(0, 300) }),
      },
    },
  });
}
