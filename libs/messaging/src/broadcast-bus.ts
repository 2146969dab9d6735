import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventContract, PayloadOf } from '@warden/contracts';
import { NatsConnection, Subscription } from 'nats';
import { NATS_CONNECTION, NATS_SUBJECT_PREFIX } from './nats-connection.provider';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Broadcast events (plain NATS pub/sub, no queue group): every replica of every listening service gets
 * each one, so caches everywhere are invalidated at once.
 */
@Injectable()
export class BroadcastBus implements OnApplicationShutdown {
  private readonly logger = new Logger(BroadcastBus.name);
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_SUBJECT_PREFIX) private readonly subjectPrefix: string,
  ) {}

  publish<C extends EventContract>(contract: C, payload: PayloadOf<C>): void {
    this.connection.publish(`${this.subjectPrefix}${contract.subject}`, encoder.encode(JSON.stringify(payload)));
  }

  /** Publishes and waits until the server has the message (flush), for callers that must not race. */
  async publishAndFlush<C extends EventContract>(contract: C, payload: PayloadOf<C>): Promise<void> {
    this.publish(contract, payload);
    await this.connection.flush();
  }

  subscribe<C extends EventContract>(contract: C, handler: (payload: PayloadOf<C>) => void | Promise<void>): Subscription {
    const subscription = this.connection.subscribe(`${this.subjectPrefix}${contract.subject}`, {
      callback: (error, msg) => {
        if (error) {
          this.logger.error(`broadcast subscription ${contract.subject} failed: ${error.message}`);
          return;
        }
        let parsed;
        try {
          parsed = contract.payload.safeParse(JSON.parse(decoder.decode(msg.data)));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          this.logger.warn(`ignored a malformed ${contract.subject} broadcast`);
          return;
        }
        Promise.resolve(handler(parsed.data as PayloadOf<C>)).catch((handlerError: unknown) => {
          this.logger.error(`handler of ${contract.subject} failed: ${(handlerError as Error).message}`);
        });
      },
    });
    this.subscriptions.push(subscription);
    return subscription;
  }

  onApplicationShutdown(): void {
    this.subscriptions.forEach((sub) => sub.unsubscribe());
  }
}
