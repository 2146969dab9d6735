import { Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { CryptoRotated, ErrorCode, KeyVersionView } from '@warden/contracts';
import { BroadcastBus, rpcError } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { randomUUID } from 'node:crypto';
import { DataKeyRecord, DataKeyRepository } from './data-key.repository';
import { KeyRing } from './key-ring.service';

/** Rotation (new active version, previous ones retired) and explicit destruction, both audited and broadcast. */
@Injectable()
export class KeyAdminService {
  constructor(
    private readonly repository: DataKeyRepository,
    private readonly ring: KeyRing,
    private readonly broadcast: BroadcastBus,
    private readonly audit: AuditClient,
    private readonly clock: Clock,
  ) {}

  get activeVersion(): number {
    return this.ring.activeVersion;
  }

  async list(): Promise<KeyVersionView[]> {
    const [keys, usage] = await Promise.all([this.repository.all(), this.repository.usage()]);
    return keys.map((key) => this.view(key, usage));
  }

  async rotate(actorId: string, reason: string, expectedActiveVersion?: number): Promise<{ rotated: boolean; activeVersion: number; previousVersion: number | null }> {
    const outcome = await this.repository.db.transaction(async (tx) => {
      // One rotation at a time across replicas; the partial unique index backs this up.
      await this.repository.lockKeys(tx);
      const keys = await this.repository.all(tx);
      const current = keys.find((k) => k.status === 'active')?.version ?? null;
      if (expectedActiveVersion !== undefined && current !== expectedActiveVersion) {
        return { rotated: false, activeVersion: current ?? 0, previousVersion: null };
      }
      const now = this.clock.now();
      const version = Math.max(0, ...keys.map((k) => k.version)) + 1;
      const id = randomUUID();
      const previous = await this.repository.retireActive(now, tx);
      await this.repository.insertActive(id, version, this.ring.wrapNew(id, version), now, tx);
      return { rotated: true, activeVersion: version, previousVersion: previous };
    });
    if (outcome.rotated) {
      await this.ring.reload();
      await this.broadcast.publishAndFlush(CryptoRotated, { activeVersion: outcome.activeVersion });
      await this.audit.logSecurityEvent('KEY_ROTATED', actorId, { activeVersion: outcome.activeVersion, retiredVersion: outcome.previousVersion, reason });
    }
    return outcome;
  }

  async destroy(actorId: string, version: number): Promise<KeyVersionView> {
    const destroyed = await this.repository.db.transaction(async (tx) => {
      await this.repository.lockKeys(tx);
      const key = (await this.repository.all(tx)).find((k) => k.version === version);
      if (!key) throw rpcError(ErrorCode.NOT_FOUND, `no key version ${version}`);
      if (key.status !== 'retired') throw rpcError(ErrorCode.CONFLICT, `only a retired key can be destroyed; version ${version} is ${key.status}`);
      return this.repository.destroy(version, this.clock.now(), tx);
    });
    if (!destroyed) throw rpcError(ErrorCode.CONFLICT, `version ${version} changed while destroying it`);
    await this.ring.reload();
    await this.broadcast.publishAndFlush(CryptoRotated, { activeVersion: this.ring.activeVersion, destroyedVersion: version });
    await this.audit.logSecurityEvent('KEY_DESTROYED', actorId, { version });
    return (await this.list()).find((k) => k.version === version)!;
  }

  async reportUsage(service: string, counts: Record<string, number>): Promise<void> {
    await this.repository.replaceUsage(
      service,
      Object.entries(counts).map(([version, count]) => ({ version: Number(version), count })),
    );
  }

  private view(key: DataKeyRecord, usage: Array<{ service: string; version: number; count: number }>): KeyVersionView {
    const dependents = Object.fromEntries(usage.filter((u) => u.version === key.version && u.count > 0).map((u) => [u.service, u.count]));
    return {
      version: key.version,
      status: key.status,
      createdAt: key.createdAt.toISOString(),
      retiredAt: key.retiredAt?.toISOString() ?? null,
      destroyedAt: key.destroyedAt?.toISOString() ?? null,
      dependents,
      safeToDestroy: key.status === 'retired' && Object.keys(dependents).length === 0,
    };
  }
}
