import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { BlocklistChanged } from '@warden/contracts';
import { IpBlocklistStore } from '@warden/ip-blocklist';
import { BroadcastBus, NatsConnectionState } from '@warden/messaging';
import { REDIS_CLIENT } from '@warden/redis';
import Redis from 'ioredis';

const REFRESH_EVERY_MS = 5_000;

/**
 * The gateway's copy of the IP blocklist the scheduler keeps in Redis: loaded at start, reloaded on
 * every `events.security.blocklist.changed` (a block or lift takes effect at once on every replica),
 * after a NATS or Redis reconnect, and every 5 s as a safety net. When Redis cannot answer, the last copy stays
 * in force. Checking an IP costs no I/O.
 */
@Injectable()
export class IpBlocklistCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IpBlocklistCache.name);
  private readonly store: IpBlocklistStore;
  private expiries = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly broadcast: BroadcastBus,
    private readonly natsState: NatsConnectionState,
  ) {
    this.store = new IpBlocklistStore(redis);
  }

  async onModuleInit(): Promise<void> {
    this.broadcast.subscribe(BlocklistChanged, ({ ip, blocked }) => {
      if (!blocked) this.expiries.delete(ip);
      void this.refresh();
    });
    this.natsState.onReconnect(() => void this.refresh());
    // Loaded as soon as Redis is connected (at start, and after every reconnect), not 5 s later.
    this.redis.on('ready', () => void this.refresh());
    if (this.redis.status === 'ready') await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** When `ip`'s block ends (ms since the epoch), or null when it is not blocked. */
  blockedUntil(ip: string): number | null {
    const until = this.expiries.get(ip);
    return until !== undefined && until > Date.now() ? until : null;
  }

  private async refresh(): Promise<void> {
    try {
      this.expiries = await this.store.activeExpiries();
    } catch (error) {
      this.logger.warn(`could not reload the IP blocklist (${(error as Error).message}); keeping the last copy`);
    }
  }
}
