import { z } from 'zod';
import { defineRequest } from '../contract';
import { EncryptionContext, PlaintextEncoding } from './crypto-schemas';

/** `crypto.encrypt`: AES-256-GCM under the active data key; `wdn:v1:<version>:<base64url(nonce‖ciphertext‖tag)>`. */
export const CryptoEncrypt = defineRequest(
  'crypto.encrypt',
  z.object({ plaintext: z.string().max(200_000), context: EncryptionContext, encoding: PlaintextEncoding }).strict(),
  z.object({ ciphertext: z.string(), keyVersion: z.number().int() }),
);
