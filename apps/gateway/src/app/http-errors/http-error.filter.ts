import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { describeError } from '@warden/logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response';

/** Every error answered by the gateway, 404 included, in the shape `{"error":{code,message,requestId}}`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, unexpected } = toErrorResponse(exception, request.id);
    if (unexpected) this.logger.error({ requestId: request.id, ...describeError(exception) }, 'unexpected error while serving a request');
    void reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
