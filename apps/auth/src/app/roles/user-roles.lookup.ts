import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuthzChanged, AuthzUserRoles, ErrorCode } from '@warden/contracts';
import { BroadcastBus, NatsConnectionState, NatsRpcClient, rpcError } from '@warden/messaging';

/** Bounds staleness should a broadcast be missed; changes normally evict at once. */
const MAX_AGE_MS = 30_000;
const MAX_USERS = 50_000;

/**
 * The user's role names, owned by the authorization service, remembered per user until
 * `events.authz.changed` (or a NATS reconnect) says they may have changed. Roles here are informational
 * (`/auth/me`); every permission decision is authz.check's.
 */
@Injectable()
export class UserRolesLookup implements OnModuleInit {
  private readonly cache = new Map<string, { roles: string[]; at: number }>();
  private generation = 0;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly broadcast: BroadcastBus,
    private readonly natsState: NatsConnectionState,
  ) {}

  onModuleInit(): void {
    this.broadcast.subscribe(AuthzChanged, (change) => {
      this.generation += 1;
      if (change.allUsers) this.cache.clear();
      else change.userIds.forEach((id) => this.cache.delete(id));
    });
    this.natsState.onReconnect(() => {
      this.generation += 1;
      this.cache.clear();
    });
  }

  async rolesOf(userId: string): Promise<string[]> {
    const cached = this.cache.get(userId);
    if (cached && Date.now() - cached.at < MAX_AGE_MS) return cached.roles;
    const generation = this.generation;
    // Whatever went wrong in authz (down, draining, failing), for our callers it is a dependency outage.
    const { roles } = await this.rpc.request(AuthzUserRoles, { userId }, { timeoutMs: 2_000 }).catch(() => {
      throw rpcError(ErrorCode.SERVICE_UNAVAILABLE, 'roles are unavailable: the authz service did not answer');
    });
    if (generation === this.generation) {
      if (this.cache.size >= MAX_USERS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(userId, { roles, at: Date.now() });
    }
    return roles;
  }
}
