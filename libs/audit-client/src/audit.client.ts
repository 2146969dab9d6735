import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SecurityEvent, securityAction, securityEventSubject, SecurityEventType, ServiceName } from '@warden/contracts';
import { acceptClientIp, NATS_CONNECTION, NatsShutdownSequence, RequestContext, RequestScope } from '@warden/messaging';
import { randomUUID } from 'node:crypto';
import { JetStreamClient, NatsConnection } from 'nats';
import { ensureAuditStream } from './audit-stream';

export const AUDIT_CLIENT_OPTIONS = Symbol('AUDIT_CLIENT_OPTIONS');

export interface AuditClientOptions {
  source: ServiceName;
  stream: string;
  subjectPrefix: string;
  /** Bound on events kept in memory while JetStream is unreachable. */
  maxPending?: number;
  /** How long logSecurityEvent waits for JetStream's acknowledgement before returning (default 1 s). */
  waitForStorageMs?: number;
  /** How long shutdown waits for undelivered events. */
  flushTimeoutMs?: number;
}

export interface AuditContext {
  /** The client's IP, when not already carried by the request context. */
  ip?: string | null;
  /**
   * A deterministic event id, for events a retried job may emit again: JetStream and the audit service
   * both drop a second event with the same id, so it is stored once.
   */
  eventId?: string;
  /** The request the event belongs to, when not carried by the AsyncLocalStorage context (the gateway). */
  scope?: RequestScope;
}

const encoder = new TextEncoder();
const MAX_BACKOFF_MS = 5_000;

/**
 * The seed's SecurityAuditService.log_security_event, as a publisher: every event goes to the JetStream
 * stream AUDIT with its id as Nats-Msg-Id, so retries are de-duplicated and nothing is lost while the
 * audit service is down. A publish that fails is retried with backoff until it is stored; shutdown waits
 * (bounded) for events still pending.
 */
@Injectable()
export class AuditClient implements OnModuleInit {
  private readonly logger = new Logger(AuditClient.name);
  private readonly jetstream: JetStreamClient;
  private readonly pending = new Set<Promise<boolean>>();
  private streamReady: Promise<void> | null = null;
  private stopping = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(AUDIT_CLIENT_OPTIONS) private readonly options: AuditClientOptions,
    shutdown: NatsShutdownSequence,
  ) {
    this.jetstream = connection.jetstream();
    shutdown.beforeClose(() => this.flush(options.flushTimeoutMs ?? 10_000));
  }

  async onModuleInit(): Promise<void> {
    await this.ensureStream().catch((error: unknown) => {
      // Not fatal: publishing retries and creates the stream once JetStream answers.
      this.logger.warn(`audit stream not ready yet: ${(error as Error).message}`);
    });
  }

  /**
   * Records a security event. Resolves with the event once JetStream has stored it, or after
   * `waitForStorageMs` while delivery goes on retrying in the background (a security flow is never
   * held hostage by a slow audit path, and nothing is dropped). Never rejects.
   */
  async logSecurityEvent(
    type: SecurityEventType,
    actorId: string | null,
    details: Record<string, unknown> = {},
    context: AuditContext = {},
  ): Promise<SecurityEvent> {
    const scope = context.scope ?? RequestContext.current();
    const event: SecurityEvent = {
      id: context.eventId ?? randomUUID(),
      action: securityAction(type),
      actorId,
      details,
      occurredAt: new Date().toISOString(),
      source: this.options.source,
      requestId: scope?.requestId ?? null,
      // Only an IP address: anything else (a forged forwarding header) would make the event unstorable.
      ip: acceptClientIp(context.ip) ?? acceptClientIp(scope?.clientIp) ?? null,
    };
    if (this.pending.size >= (this.options.maxPending ?? 100_000)) {
      this.logger.error({ eventId: event.id, action: event.action, requestId: event.requestId }, 'audit backlog full; event dropped');
      return event;
    }
    const delivery = this.deliver(event);
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([delivery, new Promise((resolve) => (timer = setTimeout(resolve, this.options.waitForStorageMs ?? 1_000)))]);
    clearTimeout(timer);
    return event;
  }

  /** Events not yet stored in JetStream. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private async deliver(event: SecurityEvent): Promise<boolean> {
    const subject = `${this.options.subjectPrefix}${securityEventSubject(event.source, event.action)}`;
    const data = encoder.encode(JSON.stringify(event));
    let backoffMs = 100;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.ensureStream();
        await this.jetstream.publish(subject, data, { msgID: event.id, timeout: 5_000 });
        return true;
      } catch (error) {
        if (this.stopping && this.connection.isClosed()) {
          this.logger.error({ eventId: event.id, action: event.action, requestId: event.requestId }, 'audit event not delivered before shutdown');
          return false;
        }
        if (attempt === 1 || attempt % 20 === 0) {
          this.logger.warn({ eventId: event.id, requestId: event.requestId, attempt }, `audit publish failed, retrying: ${(error as Error).message}`);
        }
        this.streamReady = null;
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private ensureStream(): Promise<void> {
    if (!this.streamReady) {
      this.streamReady = this.connection
        .jetstreamManager()
        .then((jsm) => ensureAuditStream(jsm, this.options.stream, this.options.subjectPrefix))
        .catch((error: unknown) => {
          this.streamReady = null;
          throw error;
        });
    }
    return this.streamReady;
  }

  private async flush(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.pending.size === 0) return;
    const waiting = this.pending.size;
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const outcome = await Promise.race([Promise.all([...this.pending]).then(() => 'done' as const), timer]);
    if (outcome === 'timeout') {
      this.logger.error(`${this.pending.size} of ${waiting} audit event(s) still undelivered at shutdown`);
    }
  }
}
