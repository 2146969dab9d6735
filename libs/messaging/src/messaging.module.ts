import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { connect, NatsConnection } from 'nats';
import { BroadcastBus } from './broadcast-bus';
import { inboxPrefixFor, natsConnectionOptions, NatsSettings } from './nats-connection-options';
import { NATS_CONNECTION, NATS_INBOX_PREFIX, NATS_SUBJECT_PREFIX, NatsConnectionState } from './nats-connection.provider';
import { NATS_REQUEST_TIMEOUT_MS, NatsRpcClient } from './nats-rpc.client';

export interface MessagingSettings extends NatsSettings {
  NATS_SUBJECT_PREFIX: string;
  NATS_REQUEST_TIMEOUT_MS: number;
}

/**
 * Work that must finish while the client connection is still open at shutdown (for example flushing
 * audit events). The connection drains only after every registered task.
 */
@Injectable()
export class NatsShutdownSequence implements OnApplicationShutdown {
  private readonly tasks: Array<() => Promise<void>> = [];
  private readonly logger = new Logger('NatsShutdownSequence');

  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  beforeClose(task: () => Promise<void>): void {
    this.tasks.push(task);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const task of this.tasks) {
      await task().catch((error: unknown) => this.logger.error(`shutdown task failed: ${(error as Error).message}`));
    }
    if (!this.connection.isClosed()) {
      await this.connection.drain().catch(() => this.connection.close());
    }
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(service: string, settings: MessagingSettings): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: () => connect(natsConnectionOptions(settings, `warden-${service}-client`, service)),
        },
        { provide: NATS_SUBJECT_PREFIX, useValue: settings.NATS_SUBJECT_PREFIX },
        { provide: NATS_INBOX_PREFIX, useValue: inboxPrefixFor(service) },
        { provide: NATS_REQUEST_TIMEOUT_MS, useValue: settings.NATS_REQUEST_TIMEOUT_MS },
        {
          provide: NatsConnectionState,
          inject: [NATS_CONNECTION],
          useFactory: (connection: NatsConnection) => new NatsConnectionState(connection, new Logger('NATS')),
        },
        NatsRpcClient,
        BroadcastBus,
        NatsShutdownSequence,
      ],
      exports: [NATS_CONNECTION, NATS_SUBJECT_PREFIX, NatsConnectionState, NatsRpcClient, BroadcastBus, NatsShutdownSequence],
    };
  }
}
