import { Injectable } from '@nestjs/common';
import { CompiledGrants } from './compiled-grants';

const MAX_USERS = 100_000;
/** A safety net behind the broadcasts: no decision rests on data older than this. */
export const MAX_ENTRY_AGE_MS = 60_000;

/**
 * Each user's compiled permissions, in memory. Invalidation bumps a generation, so a load that started
 * before a change can never put stale permissions back into the cache; concurrent misses for one user
 * share a single database read.
 */
@Injectable()
export class PermissionCache {
  private readonly entries = new Map<string, { grants: CompiledGrants; loadedAt: number }>();
  private readonly loading = new Map<string, Promise<CompiledGrants>>();
  private generation = 0;

  async get(userId: string, load: (userId: string) => Promise<CompiledGrants>): Promise<CompiledGrants> {
    const cached = this.entries.get(userId);
    if (cached && Date.now() - cached.loadedAt < MAX_ENTRY_AGE_MS) return cached.grants;
    const inFlight = this.loading.get(userId);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const loaded = load(userId).then(
      (grants) => {
        if (this.loading.get(userId) === loaded) this.loading.delete(userId);
        if (generation === this.generation) {
          if (this.entries.size >= MAX_USERS) this.entries.delete(this.entries.keys().next().value!);
          this.entries.delete(userId);
          this.entries.set(userId, { grants, loadedAt: Date.now() });
        }
        return grants;
      },
      (error: unknown) => {
        if (this.loading.get(userId) === loaded) this.loading.delete(userId);
        throw error;
      },
    );
    this.loading.set(userId, loaded);
    return loaded;
  }

  invalidate(userIds: readonly string[]): void {
    this.generation += 1;
    for (const userId of userIds) {
      this.entries.delete(userId);
      this.loading.delete(userId);
    }
  }

  invalidateAll(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
