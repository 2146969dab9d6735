import { z } from 'zod';
import { ActorId } from '../authz/authz-schemas';
import { defineRequest } from '../contract';
import { EncryptionContext, PlaintextEncoding } from './crypto-schemas';

/** `crypto.decrypt`: malformed → INVALID_CIPHERTEXT; wrong context or tampered → DECRYPT_FAILED; destroyed key → KEY_DESTROYED. */
export const CryptoDecrypt = defineRequest(
  'crypto.decrypt',
  z.object({ ciphertext: z.string().max(300_000), context: EncryptionContext, actorId: ActorId.optional(), encoding: PlaintextEncoding }).strict(),
  z.object({ plaintext: z.string(), keyVersion: z.number().int() }),
);
