import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig, cryptoConfig } from '@warden/config';
import { CryptoRotated } from '@warden/contracts';
import { BroadcastBus } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { randomBytes, randomUUID } from 'node:crypto';
import { KEY_BYTES } from '../primitives/aes-gcm';
import { DataKeyRepository } from './data-key.repository';
import { KeyEncryptionKey } from './key-encryption-key';

export type KeyLookup = { kind: 'usable'; key: Buffer } | { kind: 'destroyed' } | { kind: 'unknown' };

/**
 * The unwrapped data keys, in memory only (never logged, replied or put in an error). Loaded at start
 * (refusing to start when KMS_MASTER_KEY is not the key that wrapped them), reloaded on
 * `events.crypto.rotated`, and on demand when a ciphertext names a version this replica has not seen.
 */
@Injectable()
export class KeyRing implements OnModuleInit {
  private readonly logger = new Logger(KeyRing.name);
  private readonly kek: KeyEncryptionKey;
  private keys = new Map<number, Buffer>();
  private destroyed = new Set<number>();
  private active = 0;

  constructor(
    private readonly repository: DataKeyRepository,
    private readonly broadcast: BroadcastBus,
    private readonly clock: Clock,
    config: AppConfig<typeof cryptoConfig.shape>,
  ) {
    const master = config.get('KMS_MASTER_KEY');
    if (!master) throw new Error('KMS_MASTER_KEY is not set (npm start generates a development key; production must set it)');
    this.kek = new KeyEncryptionKey(master);
  }

  async onModuleInit(): Promise<void> {
    await this.repository.db.transaction(async (tx) => {
      await this.repository.lockKeys(tx);
      const stored = await this.repository.checkValue(tx);
      if (stored === null) await this.repository.saveCheckValue(this.kek.checkValue(), tx);
      else if (stored !== this.kek.checkValue()) {
        throw new Error('KMS_MASTER_KEY is not the key that wrapped the stored data keys (key-check value mismatch); refusing to start');
      }
      if (!(await this.repository.all(tx)).some((k) => k.status === 'active')) {
        const id = randomUUID();
        await this.repository.insertActive(id, 1, this.kek.wrap(randomBytes(KEY_BYTES), id, 1), this.clock.now(), tx);
        this.logger.log('created the first data key (version 1)');
      }
    });
    await this.reload();
    this.broadcast.subscribe(CryptoRotated, () => this.reload());
  }

  get activeVersion(): number {
    return this.active;
  }

  activeKey(): { version: number; key: Buffer } {
    return { version: this.active, key: this.keys.get(this.active)! };
  }

  async lookup(version: number): Promise<KeyLookup> {
    if (!this.keys.has(version) && !this.destroyed.has(version)) await this.reload();
    if (this.destroyed.has(version)) return { kind: 'destroyed' };
    const key = this.keys.get(version);
    return key ? { kind: 'usable', key } : { kind: 'unknown' };
  }

  wrapNew(id: string, version: number): Buffer {
    return this.kek.wrap(randomBytes(KEY_BYTES), id, version);
  }

  async reload(): Promise<void> {
    const records = await this.repository.all();
    const keys = new Map<number, Buffer>();
    const destroyed = new Set<number>();
    let active = 0;
    for (const record of records) {
      if (record.status === 'destroyed' || !record.wrappedKey) {
        destroyed.add(record.version);
        continue;
      }
      keys.set(record.version, this.kek.unwrap(record.wrappedKey, record.id, record.version));
      if (record.status === 'active') active = record.version;
    }
    this.keys = keys;
    this.destroyed = destroyed;
    this.active = active;
  }
}
