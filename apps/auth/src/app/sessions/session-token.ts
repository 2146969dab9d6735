import { SESSION_TOKEN_PATTERN } from '@warden/contracts';
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url: shown once to the client, never stored. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of a token or state: its SHA-256 (a database leak leaks no session). */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function isWellFormedToken(token: string): boolean {
  return SESSION_TOKEN_PATTERN.test(token);
}
