import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuthzChanged, CheckDecision } from '@warden/contracts';
import { BroadcastBus, NatsConnectionState } from '@warden/messaging';
import { CompiledGrants } from './compiled-grants';
import { GrantRepository } from './grant.repository';
import { PermissionCache } from './permission-cache';

/** The seed's check_permission, answered from memory, kept fresh by `events.authz.changed`. */
@Injectable()
export class PermissionChecker implements OnModuleInit {
  constructor(
    private readonly cache: PermissionCache,
    private readonly grants: GrantRepository,
    private readonly broadcast: BroadcastBus,
    private readonly natsState: NatsConnectionState,
  ) {}

  onModuleInit(): void {
    this.broadcast.subscribe(AuthzChanged, (change) => {
      if (change.allUsers) this.cache.invalidateAll();
      else this.cache.invalidate(change.userIds);
    });
    this.natsState.onReconnect(() => this.cache.invalidateAll());
  }

  async check(userId: string, resource: string, action: string): Promise<CheckDecision> {
    return (await this.grantsOf(userId)).decide(resource, action);
  }

  async checkMany(userId: string, checks: ReadonlyArray<{ resource: string; action: string }>): Promise<CheckDecision[]> {
    const grants = await this.grantsOf(userId);
    return checks.map((c) => grants.decide(c.resource, c.action));
  }

  async rolesOf(userId: string): Promise<readonly string[]> {
    return (await this.grantsOf(userId)).roles;
  }

  private grantsOf(userId: string): Promise<CompiledGrants> {
    return this.cache.get(userId, (id) => this.grants.effectiveGrants(id));
  }
}
