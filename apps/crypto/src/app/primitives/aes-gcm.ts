import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** Thrown for any authentication failure: wrong key, wrong associated data, or tampered bytes. */
export class AuthenticationFailed extends Error {
  constructor() {
    super('authentication failed');
  }
}

/** AES-256-GCM with a fresh random 96-bit nonce: returns nonce ‖ ciphertext ‖ tag. */
export function seal(key: Buffer, plaintext: Buffer, associatedData: Buffer, nonce: Buffer = randomBytes(NONCE_BYTES)): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Opens nonce ‖ ciphertext ‖ tag; throws AuthenticationFailed on any mismatch. */
export function open(key: Buffer, sealed: Buffer, associatedData: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new AuthenticationFailed();
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new AuthenticationFailed();
  }
}
