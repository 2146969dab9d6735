import { createHmac } from 'node:crypto';
import { open, seal } from '../primitives/aes-gcm';

/**
 * The key-encryption key from KMS_MASTER_KEY. Data keys are stored only wrapped by it (AES-256-GCM with
 * the key's id and version as associated data, so a wrapped key cannot be swapped between rows).
 */
export class KeyEncryptionKey {
  constructor(private readonly key: Buffer) {}

  /** A value derived from the KEK that reveals nothing about it but tells whether two KEKs are the same. */
  checkValue(): string {
    return createHmac('sha256', this.key).update('warden:kms:key-check:v1').digest('hex').slice(0, 32);
  }

  wrap(dataKey: Buffer, id: string, version: number): Buffer {
    return seal(this.key, dataKey, aad(id, version));
  }

  unwrap(wrapped: Buffer, id: string, version: number): Buffer {
    return open(this.key, wrapped, aad(id, version));
  }
}

function aad(id: string, version: number): Buffer {
  return Buffer.from(`warden:data-key:${id}:${version}`, 'utf8');
}
