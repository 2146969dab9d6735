import { Logger } from '@nestjs/common';
import { MessageHandler, ServerNats } from '@nestjs/microservices';
import { ConnectionOptions, Msg, NatsConnection, Subscription } from 'nats';
import { PlainJsonReplySerializer, PlainJsonRequestDeserializer } from './plain-json.codec';
import { acceptClientIp, acceptRequestId, CLIENT_IP_HEADER, REQUEST_ID_HEADER, RequestContext } from './request-context';

export interface WardenNatsServerOptions {
  connection: ConnectionOptions;
  /** Prepended to every subject (empty in production; isolates test runs). */
  subjectPrefix: string;
  /** Queue group shared by the replicas of one service. */
  queue: string;
  /** How long close() waits for in-flight requests before closing the connection. */
  shutdownTimeoutMs: number;
}

/**
 * Nest's NATS transport, adapted to Warden: plain-JSON requests and replies, subject prefixes,
 * request-id propagation from NATS headers, and a graceful close that stops taking messages, lets
 * in-flight requests answer, then drains the connection.
 */
export class WardenNatsServer extends ServerNats {
  private readonly wardenLogger = new Logger('WardenNatsServer');
  private readonly settings: WardenNatsServerOptions;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closing = false;

  constructor(options: WardenNatsServerOptions) {
    super({
      ...options.connection,
      queue: options.queue,
      serializer: new PlainJsonReplySerializer(),
      deserializer: new PlainJsonRequestDeserializer(),
    });
    this.settings = options;
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const subject = typeof pattern === 'string' ? `${this.settings.subjectPrefix}${pattern}` : pattern;
    super.addHandler(subject, callback, isEventHandler, extras);
  }

  /**
   * Our patterns are plain subjects. Nest's default first tries JSON.parse on every subject and catches
   * the exception — the single most expensive step of a request in a CPU profile.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? null;
  }

  override async handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    if (this.closing) return undefined;
    if (!natsMsg.reply) {
      // A request subject published without a reply subject: nobody would see the answer.
      this.wardenLogger.warn(`dropped a message on ${channel} without a reply subject`);
      return undefined;
    }
    const requestId = acceptRequestId(natsMsg.headers?.get(REQUEST_ID_HEADER));
    const clientIp = acceptClientIp(natsMsg.headers?.get(CLIENT_IP_HEADER));
    this.inFlight += 1;
    return RequestContext.run({ requestId, clientIp }, () => super.handleMessage(channel, natsMsg));
  }

  override getPublisher(natsMsg: Msg, id: string, ctx: Parameters<ServerNats['getPublisher']>[2]) {
    const publish = super.getPublisher(natsMsg, id, ctx);
    let answered = false;
    return (response: unknown) => {
      try {
        return publish(response);
      } finally {
        if (!answered) {
          answered = true;
          this.finishOne();
        }
      }
    };
  }

  /** Stops taking messages, waits for in-flight requests (bounded), then drains the connection. */
  override async close(): Promise<void> {
    const client = (this as unknown as { natsClient: NatsConnection | null }).natsClient;
    if (!client || this.closing) return;
    this.closing = true;
    const subscriptions = (this as unknown as { subscriptions: Subscription[] }).subscriptions;
    // drain (not unsubscribe): messages already delivered to this process are still handled.
    await Promise.all(subscriptions.map((sub) => sub.drain().catch(() => sub.unsubscribe())));
    await this.waitForIdle(this.settings.shutdownTimeoutMs);
    try {
      await client.drain();
    } catch {
      await client.close().catch(() => undefined);
    }
    (this as unknown as { natsClient: NatsConnection | null }).natsClient = null;
  }

  private finishOne(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  private waitForIdle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    this.wardenLogger.log(`waiting for ${this.inFlight} in-flight request(s) before closing`);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wardenLogger.warn(`closing with ${this.inFlight} request(s) still in flight after ${timeoutMs} ms`);
        resolve();
      }, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
