import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ensureAuditStream } from '@warden/audit-client';
import { AppConfig, auditConfig } from '@warden/config';
import { AUDIT_SUBJECT_ROOT, SecurityEvent, securityEventSubject } from '@warden/contracts';
import { NATS_CONNECTION } from '@warden/messaging';
import { AckPolicy, ConsumerMessages, DeliverPolicy, JsMsg, NatsConnection, nanos } from 'nats';
import { AuditLogRepository } from '../chain/audit-log.repository';
import { redactDetails } from './redaction';

export const AUDIT_CONSUMER = 'audit-log';
const BATCH = 500;
const FLUSH_AFTER_MS = 5;

/**
 * Makes audit events permanent: a durable JetStream pull consumer shared by every audit replica; each
 * batch is redacted, appended to the hash chain in one transaction, and only then acknowledged. A crash
 * before the commit means redelivery; redelivery of a committed event is skipped by its id.
 */
@Injectable()
export class AuditIngestor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditIngestor.name);
  private messages: ConsumerMessages | null = null;
  private buffer: JsMsg[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly log: AuditLogRepository,
    private readonly config: AppConfig<typeof auditConfig.shape>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stream = this.config.get('AUDIT_STREAM');
    const prefix = this.config.get('NATS_SUBJECT_PREFIX');
    const jsm = await this.nats.jetstreamManager();
    await ensureAuditStream(jsm, stream, prefix);
    await jsm.consumers
      .add(stream, {
        durable_name: AUDIT_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: `${prefix}${AUDIT_SUBJECT_ROOT}.>`,
        ack_wait: nanos(10_000),
        max_ack_pending: 20_000,
        max_deliver: -1,
      })
      .catch(async (error: unknown) => {
        // Already created by another replica with the same configuration is fine.
        await jsm.consumers.info(stream, AUDIT_CONSUMER).catch(() => {
          throw error;
        });
      });
    const consumer = await this.nats.jetstream().consumers.get(stream, AUDIT_CONSUMER);
    void this.consume(consumer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    await this.flush();
  }

  private async consume(consumer: Awaited<ReturnType<ReturnType<NatsConnection['jetstream']>['consumers']['get']>>): Promise<void> {
    while (!this.stopped) {
      try {
        this.messages = await consumer.consume({ max_messages: BATCH * 2 });
        for await (const message of this.messages) {
          this.buffer.push(message);
          if (this.buffer.length >= BATCH) void this.flush();
          else if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
        }
      } catch (error) {
        if (!this.stopped) this.logger.warn(`audit consumer interrupted, resuming: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** Batches are written one after another, in arrival order. */
  private flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: JsMsg[]): Promise<void> {
    if (batch.length === 0) return;
    const events = [];
    const accepted: JsMsg[] = [];
    for (const message of batch) {
      const parsed = SecurityEvent.safeParse(safeJson(message.data));
      if (!parsed.success) {
        // Malformed: keep it out of the chain and stop its redelivery, loudly.
        this.logger.error({ subject: message.subject, seq: message.seq }, 'malformed audit event dropped');
        message.term();
        continue;
      }
      const e = parsed.data;
      // NATS permissions let each service publish only under audit.events.<itself>.>: an event whose body
      // claims another source (or another action) than its subject is forged, and never stored.
      if (message.subject !== `${this.config.get('NATS_SUBJECT_PREFIX')}${securityEventSubject(e.source, e.action)}`) {
        this.logger.error({ subject: message.subject, seq: message.seq, source: e.source, action: e.action }, 'audit event whose body disagrees with its subject dropped');
        message.term();
        continue;
      }
      events.push({
        id: e.id,
        action: e.action,
        actorId: e.actorId,
        details: redactDetails(e.details) as Record<string, unknown>,
        occurredAt: new Date(e.occurredAt).toISOString(),
        source: e.source,
        requestId: e.requestId,
        ip: e.ip,
      });
      accepted.push(message);
    }
    try {
      await this.log.append(events);
      accepted.forEach((message) => message.ack());
    } catch (error) {
      this.logger.error(`audit batch of ${accepted.length} not stored, will be redelivered: ${(error as Error).message}`);
      accepted.forEach((message) => message.nak(1_000));
    }
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return null;
  }
}
