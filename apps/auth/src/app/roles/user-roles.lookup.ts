import { Injectable } from '@nestjs/common';
import { AuthzUserRoles } from '@warden/contracts';
import { NatsRpcClient } from '@warden/messaging';

/** The user's role names, owned by the authorization service; asked for every validation that reports roles. */
@Injectable()
export class UserRolesLookup {
  constructor(private readonly rpc: NatsRpcClient) {}

  async rolesOf(userId: string): Promise<string[]> {
    const reply = await this.rpc.request(AuthzUserRoles, { userId }, { timeoutMs: 2_000 });
    return reply.roles;
  }
}
