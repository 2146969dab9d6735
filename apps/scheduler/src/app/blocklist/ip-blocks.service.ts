import { Inject, Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { BlockedIpView, BlocklistChanged, ErrorCode } from '@warden/contracts';
import { IpBlock, IpBlocklistStore } from '@warden/ip-blocklist';
import { BroadcastBus, rpcError } from '@warden/messaging';
import { REDIS_CLIENT } from '@warden/redis';
import Redis from 'ioredis';

const toView = (block: IpBlock): BlockedIpView => ({
  ip: block.ip,
  reason: block.reason,
  blockedAt: block.blockedAt.toISOString(),
  expiresAt: block.expiresAt.toISOString(),
  reportId: block.reportId,
  findingId: block.findingId,
});

/** The gateway's IP blocklist, written here: every change is broadcast (gateways reload) and audited. */
@Injectable()
export class IpBlocksService {
  private readonly store: IpBlocklistStore;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    private readonly broadcast: BroadcastBus,
    private readonly audit: AuditClient,
  ) {
    this.store = new IpBlocklistStore(redis);
  }

  /** Blocks (or keeps blocking, longer) an IP; a new block emits SECURITY_IP_BLOCKED once (`eventId`). */
  async block(block: IpBlock, actorId: string, eventId: string): Promise<'blocked' | 'extended' | 'unchanged'> {
    const outcome = await this.store.block(block);
    if (outcome !== 'unchanged') await this.broadcast.publishAndFlush(BlocklistChanged, { ip: block.ip, blocked: true });
    if (outcome === 'blocked') {
      await this.audit.logSecurityEvent('IP_BLOCKED', actorId, { ...toView(block) }, { ip: block.ip, eventId });
    }
    return outcome;
  }

  async lift(actorId: string, ip: string): Promise<{ ip: string; lifted: true }> {
    if (!(await this.store.lift(ip))) throw rpcError(ErrorCode.NOT_FOUND, `${ip} is not blocked`);
    await this.broadcast.publishAndFlush(BlocklistChanged, { ip, blocked: false });
    await this.audit.logSecurityEvent('IP_UNBLOCKED', actorId, { ip }, { ip });
    return { ip, lifted: true };
  }

  async list(): Promise<BlockedIpView[]> {
    return (await this.store.list()).map(toView);
  }
}
