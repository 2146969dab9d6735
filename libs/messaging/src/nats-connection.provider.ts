import { Logger } from '@nestjs/common';
import { NatsConnection } from 'nats';

/** DI token of the process's client-side NATS connection (requests, broadcasts, JetStream). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
/** DI token of the root of this process's reply inboxes (see inboxPrefixFor). */
export const NATS_INBOX_PREFIX = Symbol('NATS_INBOX_PREFIX');
/** DI token of the subject prefix (empty in production). */
export const NATS_SUBJECT_PREFIX = Symbol('NATS_SUBJECT_PREFIX');

/** Tracks whether a connection is currently up, from its status stream (for readiness checks). */
export class NatsConnectionState {
  private up = true;
  private readonly reconnectListeners: Array<() => void> = [];

  constructor(connection: NatsConnection, logger: Logger) {
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnecting') {
          if (this.up) logger.warn(`NATS connection lost (${status.type})`);
          this.up = false;
        } else if (status.type === 'reconnect') {
          logger.log('NATS connection re-established');
          this.up = true;
          this.reconnectListeners.forEach((listener) => listener());
        }
      }
    })();
    void connection.closed().then(() => {
      this.up = false;
    });
  }

  /**
   * Called after every reconnect. Broadcasts sent while disconnected are lost, so caches kept fresh by
   * broadcasts must start over here.
   */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  get isUp(): boolean {
    return this.up;
  }
}
