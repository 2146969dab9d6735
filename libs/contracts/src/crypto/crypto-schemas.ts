import { z } from 'zod';

/** Plaintexts are at most 64 KiB (after decoding). */
export const MAX_PLAINTEXT_BYTES = 64 * 1024;

/** How `plaintext` is written: UTF-8 text (default) or base64 for arbitrary bytes. */
export const PlaintextEncoding = z.enum(['utf8', 'base64']).default('utf8');

/** The caller's encryption context: bound to the ciphertext as associated data (like AWS KMS). */
export const EncryptionContext = z.string().max(256).default('');

export const KeyVersionView = z.object({
  version: z.number().int(),
  status: z.enum(['active', 'retired', 'destroyed']),
  createdAt: z.iso.datetime(),
  retiredAt: z.iso.datetime().nullable(),
  destroyedAt: z.iso.datetime().nullable(),
  /** Ciphertexts still under this version, as last reported by each owning service. */
  dependents: z.record(z.string(), z.number()),
  safeToDestroy: z.boolean(),
});
export type KeyVersionView = z.infer<typeof KeyVersionView>;
