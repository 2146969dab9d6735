import { Inject, Injectable } from '@nestjs/common';
import { describeIssues, ErrorCode, isErrorCode, ReplyOf, RequestContract, RequestOf } from '@warden/contracts';
import { ErrorCode as NatsErrorCode, headers as natsHeaders, NatsConnection, NatsError } from 'nats';
import { NATS_CONNECTION, NATS_SUBJECT_PREFIX } from './nats-connection.provider';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, RequestContext } from './request-context';
import { WardenRpcError } from './warden-rpc-error';

export const NATS_REQUEST_TIMEOUT_MS = Symbol('NATS_REQUEST_TIMEOUT_MS');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RequestOptions {
  timeoutMs?: number;
}

/**
 * Calls a Warden NATS subject by its contract: validates the request with the contract's schema,
 * propagates the request id and client IP in headers, and turns error replies and transport failures
 * into WardenRpcError with a code (no responders → SERVICE_UNAVAILABLE, timeout → TIMEOUT).
 */
@Injectable()
export class NatsRpcClient {
  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_SUBJECT_PREFIX) private readonly subjectPrefix: string,
    @Inject(NATS_REQUEST_TIMEOUT_MS) private readonly defaultTimeoutMs: number,
  ) {}

  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>, options: RequestOptions = {}): Promise<ReplyOf<C>> {
    const checked = contract.request.safeParse(payload);
    if (!checked.success) {
      throw new WardenRpcError(ErrorCode.BAD_REQUEST, `invalid request for ${contract.subject}`, describeIssues(checked.error));
    }
    const headers = natsHeaders();
    const scope = RequestContext.current();
    if (scope?.requestId) headers.set(REQUEST_ID_HEADER, scope.requestId);
    if (scope?.clientIp) headers.set(CLIENT_IP_HEADER, scope.clientIp);

    let reply;
    try {
      reply = await this.connection.request(`${this.subjectPrefix}${contract.subject}`, encoder.encode(JSON.stringify(payload)), {
        timeout: options.timeoutMs ?? this.defaultTimeoutMs,
        headers,
      });
    } catch (error) {
      throw transportError(error, contract.subject);
    }
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(reply.data));
    } catch {
      throw new WardenRpcError(ErrorCode.INTERNAL, `malformed reply from ${contract.subject}`);
    }
    if (reply.headers?.has('Nats-Service-Error-Code')) {
      const error = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } }).error;
      const code = isErrorCode(error?.code) ? error.code : ErrorCode.INTERNAL;
      const message = typeof error?.message === 'string' ? error.message : 'error reply';
      const fields = Array.isArray(error?.fields) ? (error.fields as string[]) : undefined;
      throw new WardenRpcError(code, message, fields);
    }
    return body as ReplyOf<C>;
  }
}

function transportError(error: unknown, subject: string): WardenRpcError {
  const service = subject.split('.')[0];
  if (error instanceof NatsError) {
    if (error.code === NatsErrorCode.NoResponders) {
      return new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, `the ${service} service is not available`);
    }
    if (error.code === NatsErrorCode.Timeout) {
      return new WardenRpcError(ErrorCode.TIMEOUT, `the ${service} service did not answer in time`);
    }
  }
  return new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, `the ${service} service could not be reached`);
}
