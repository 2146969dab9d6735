import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { RpcErrorFilter } from '@warden/messaging';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';

/**
 * One filter for both transports of a service: NATS handlers get typed error replies (RpcErrorFilter);
 * the small health HTTP port gets a plain JSON status.
 */
@Catch()
export class ServiceExceptionFilter implements ExceptionFilter {
  private readonly rpc = new RpcErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return this.rpc.catch(exception, host);
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.code(status).send({ error: { code: status === 404 ? 'NOT_FOUND' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', message: status === 404 ? 'not found' : 'request failed' } });
  }
}
