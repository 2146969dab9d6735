import { z } from 'zod';
import { ActorId } from '../authz/authz-schemas';
import { defineRequest } from '../contract';
import { EncryptionContext } from './crypto-schemas';

/** `crypto.rewrap`: re-encrypts under the active version; the plaintext never leaves the service. */
export const CryptoRewrap = defineRequest(
  'crypto.rewrap',
  z.object({ ciphertext: z.string().max(300_000), context: EncryptionContext, actorId: ActorId.optional() }).strict(),
  z.object({ ciphertext: z.string(), keyVersion: z.number().int(), previousVersion: z.number().int() }),
);
