import { CheckDecision } from '@warden/contracts';

export interface Grant {
  role: string;
  resource: string;
  action: string;
}

const WILDCARD = '*';
const key = (resource: string, action: string) => `${resource}\u0000${action}`;

/**
 * One user's effective permissions, compiled for O(1) decisions: a map from (resource, action) — with
 * `*` kept literally — to the role that grants it. A check looks up the exact pair, then the three
 * wildcard forms; exact grants win over wildcards, and among roles the alphabetically first is named.
 */
export class CompiledGrants {
  private readonly byPair = new Map<string, string>();
  readonly roles: readonly string[];

  constructor(grants: readonly Grant[], roles: readonly string[]) {
    this.roles = [...new Set(roles)].sort();
    for (const grant of grants) {
      const k = key(grant.resource, grant.action);
      const current = this.byPair.get(k);
      if (current === undefined || grant.role < current) this.byPair.set(k, grant.role);
    }
  }

  decide(resource: string, action: string): CheckDecision {
    const role =
      this.byPair.get(key(resource, action)) ??
      this.byPair.get(key(resource, WILDCARD)) ??
      this.byPair.get(key(WILDCARD, action)) ??
      this.byPair.get(key(WILDCARD, WILDCARD));
    return role === undefined ? { allowed: false, matchedRole: null } : { allowed: true, matchedRole: role };
  }
}

export const NO_GRANTS = new CompiledGrants([], []);
