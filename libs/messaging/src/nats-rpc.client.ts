import { Inject, Injectable } from '@nestjs/common';
import { describeIssues, ErrorCode, isErrorCode, ReplyOf, RequestContract, RequestOf } from '@warden/contracts';
import { createInbox, headers as natsHeaders, Msg, MsgHdrs, NatsConnection } from 'nats';
import { Histogram } from 'prom-client';
import { NATS_CONNECTION, NATS_INBOX_PREFIX, NATS_SUBJECT_PREFIX } from './nats-connection.provider';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, RequestContext, RequestScope } from './request-context';
import { WardenRpcError } from './warden-rpc-error';

export const NATS_REQUEST_TIMEOUT_MS = Symbol('NATS_REQUEST_TIMEOUT_MS');

/** Upstream latency as the caller sees it, by subject and outcome (ok, or the error code). */
const upstreamLatency = new Histogram({
  name: 'warden_nats_request_duration_seconds',
  help: 'NATS request/reply latency seen by the caller, by subject and outcome.',
  labelNames: ['subject', 'outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * The request this call serves. Defaults to the AsyncLocalStorage context (services); the gateway
   * passes it explicitly and runs without AsyncLocalStorage, whose promise hooks slowed every request.
   */
  scope?: RequestScope;
}

/**
 * Calls a Warden NATS subject by its contract: validates the request with the contract's schema,
 * propagates the request id and client IP in headers, and turns error replies and transport failures
 * into WardenRpcError with a code (no responders → SERVICE_UNAVAILABLE, timeout → TIMEOUT).
 */
@Injectable()
export class NatsRpcClient {
  private readonly replies: ReplyInbox;

  constructor(
    @Inject(NATS_CONNECTION) connection: NatsConnection,
    @Inject(NATS_SUBJECT_PREFIX) private readonly subjectPrefix: string,
    @Inject(NATS_REQUEST_TIMEOUT_MS) private readonly defaultTimeoutMs: number,
    @Inject(NATS_INBOX_PREFIX) inboxPrefix: string,
  ) {
    this.replies = new ReplyInbox(connection, inboxPrefix);
  }

  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>, options: RequestOptions = {}): Promise<ReplyOf<C>> {
    const checked = contract.request.safeParse(payload);
    if (!checked.success) {
      throw new WardenRpcError(ErrorCode.BAD_REQUEST, `invalid request for ${contract.subject}`, describeIssues(checked.error));
    }
    const headers = natsHeaders();
    const scope = options.scope ?? RequestContext.current();
    if (scope?.requestId) headers.set(REQUEST_ID_HEADER, scope.requestId);
    if (scope?.clientIp) headers.set(CLIENT_IP_HEADER, scope.clientIp);

    const stopTimer = upstreamLatency.startTimer({ subject: contract.subject });
    let reply;
    try {
      reply = await this.replies.request(`${this.subjectPrefix}${contract.subject}`, encoder.encode(JSON.stringify(payload)), headers, options.timeoutMs ?? this.defaultTimeoutMs);
    } catch (error) {
      const failure = transportError(error, contract.subject);
      stopTimer({ outcome: failure.code });
      throw failure;
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
      stopTimer({ outcome: code });
      throw new WardenRpcError(code, message, fields);
    }
    stopTimer({ outcome: 'ok' });
    return body as ReplyOf<C>;
  }
}

interface PendingReply {
  resolve(msg: Msg): void;
  reject(error: WardenRpcTransportError): void;
  timer: NodeJS.Timeout;
}

class WardenRpcTransportError extends Error {
  constructor(readonly reason: 'no_responders' | 'timeout' | 'closed') {
    super(reason);
  }
}

/**
 * Request/reply over one wildcard inbox subscription, replies matched by token. nats.js's own request()
 * builds a request object and an Error (to reject a promise already settled) for every call — measurable
 * on the gateway's hot path — so the mux is kept here, with the same semantics: a 503 status reply is "no
 * responders", no reply in time is a timeout, a closed connection fails what is pending.
 */
class ReplyInbox {
  private readonly prefix: string;
  private readonly pending = new Map<string, PendingReply>();
  private sequence = 0;

  constructor(
    private readonly connection: NatsConnection,
    inboxPrefix: string,
  ) {
    this.prefix = `${createInbox(inboxPrefix)}.`;
    connection.subscribe(`${this.prefix}*`, { callback: (error, msg) => (error ? undefined : this.settle(msg)) });
    void connection.closed().then(() => {
      for (const [token, pending] of this.pending) {
        clearTimeout(pending.timer);
        this.pending.delete(token);
        pending.reject(new WardenRpcTransportError('closed'));
      }
    });
  }

  request(subject: string, data: Uint8Array, headers: MsgHdrs, timeoutMs: number): Promise<Msg> {
    const token = (this.sequence++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new WardenRpcTransportError('timeout'));
      }, timeoutMs);
      this.pending.set(token, { resolve, reject, timer });
      try {
        this.connection.publish(subject, data, { reply: `${this.prefix}${token}`, headers });
      } catch {
        clearTimeout(timer);
        this.pending.delete(token);
        reject(new WardenRpcTransportError('closed'));
      }
    });
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const pending = this.pending.get(token);
    if (!pending) return;
    this.pending.delete(token);
    clearTimeout(pending.timer);
    if (msg.headers?.code === 503 && msg.data.length === 0) pending.reject(new WardenRpcTransportError('no_responders'));
    else pending.resolve(msg);
  }
}

function transportError(error: unknown, subject: string): WardenRpcError {
  const service = subject.split('.')[0];
  const reason = error instanceof WardenRpcTransportError ? error.reason : 'closed';
  if (reason === 'no_responders') return new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, `the ${service} service is not available`);
  if (reason === 'timeout') return new WardenRpcError(ErrorCode.TIMEOUT, `the ${service} service did not answer in time`);
  return new WardenRpcError(ErrorCode.SERVICE_UNAVAILABLE, `the ${service} service could not be reached`);
}
