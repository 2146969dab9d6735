import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, schedulerConfig } from '@warden/config';
import { CryptoKeysList, CryptoKeysRotate, CryptoRotated } from '@warden/contracts';
import { BroadcastBus, NatsRpcClient } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { RotationPeriodRepository } from './rotation-period.repository';

/** Who rotates, in the audit log. */
export const SCHEDULER_ACTOR = 'system:scheduler';

export interface RotationOutcome {
  period: string;
  fromVersion: number;
  activeVersion: number;
  /** False when the period had already been served (a retried job), someone rotated first, or the key is young. */
  rotated: boolean;
}

/**
 * The seed's rotate_encryption_keys, once per period however often a job for the period runs: the
 * period's row pins the version it rotates away from, and `crypto.keys.rotate` with that
 * `expectedActiveVersion` rotates only if it is still active. A key younger than half the interval is
 * left alone (a manual or catch-up rotation just happened), so a catch-up and an overdue scheduled job
 * arriving together rotate once.
 */
@Injectable()
export class KeyRotationService {
  private readonly logger = new Logger(KeyRotationService.name);

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly broadcast: BroadcastBus,
    private readonly periods: RotationPeriodRepository,
    private readonly clock: Clock,
    config: AppConfig<typeof schedulerConfig.shape>,
  ) {
    this.intervalMs = config.get('KEY_ROTATION_INTERVAL') * 1000;
  }

  readonly intervalMs: number;

  async rotateForPeriod(period: string): Promise<RotationOutcome> {
    let claim = await this.periods.find(period);
    if (claim?.toVersion != null) {
      await this.startRewrapPass(claim.toVersion);
      return { period, fromVersion: claim.fromVersion, activeVersion: claim.toVersion, rotated: false };
    }
    if (!claim) {
      const active = await this.activeKey();
      if (!active) throw new Error('crypto reports no active key');
      if (this.clock.now().getTime() - active.createdAt.getTime() < this.intervalMs / 2) {
        await this.periods.claim(period, active.version);
        await this.periods.complete(period, active.version, false, this.clock.now());
        this.logger.log(`key version ${active.version} is younger than half the rotation interval; not rotating (${period})`);
        return { period, fromVersion: active.version, activeVersion: active.version, rotated: false };
      }
      claim = await this.periods.claim(period, active.version);
    }
    const result = await this.rpc.request(CryptoKeysRotate, {
      actorId: SCHEDULER_ACTOR,
      expectedActiveVersion: claim.fromVersion,
      reason: `scheduled rotation (${period})`,
    });
    await this.periods.complete(period, result.activeVersion, result.rotated, this.clock.now());
    this.logger.log(
      result.rotated
        ? `rotated the encryption key from version ${claim.fromVersion} to ${result.activeVersion} (${period})`
        : `version ${claim.fromVersion} was already rotated away from; active is ${result.activeVersion} (${period})`,
    );
    await this.startRewrapPass(result.activeVersion);
    return { period, fromVersion: claim.fromVersion, activeVersion: result.activeVersion, rotated: result.rotated };
  }

  /** The active key's version and age, for the start-up catch-up. */
  async activeKey(): Promise<{ version: number; createdAt: Date } | null> {
    const { keys } = await this.rpc.request(CryptoKeysList, {});
    const active = keys.find((k) => k.status === 'active');
    return active ? { version: active.version, createdAt: new Date(active.createdAt) } : null;
  }

  /**
   * Owners of ciphertexts rewrap on `events.crypto.rotated`. Crypto publishes it after rotating; the
   * job publishes it again as its last step, so a crash between the rotation and crypto's broadcast
   * cannot leave old ciphertexts behind (a rewrap pass with nothing to do is cheap).
   */
  private async startRewrapPass(activeVersion: number): Promise<void> {
    await this.broadcast.publishAndFlush(CryptoRotated, { activeVersion });
  }
}
