import { SESSION_TOKEN_PATTERN } from '@warden/contracts';
import { generateSecret, isWellFormedToken, sha256 } from './session-token';

describe('session tokens', () => {
  it('are 256 random bits in 43 base64url characters, different every time', () => {
    const tokens = new Set(Array.from({ length: 1_000 }, generateSecret));
    expect(tokens.size).toBe(1_000);
    for (const token of tokens) {
      expect(token).toMatch(SESSION_TOKEN_PATTERN);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as their SHA-256 only', () => {
    const token = generateSecret();
    expect(sha256(token)).toHaveLength(32);
    expect(sha256(token).toString('base64url')).not.toBe(token);
  });

  it.each(['', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}=`, `${'a'.repeat(42)}/`, `${'a'.repeat(42)} `])('rejects %p', (token) => {
    expect(isWellFormedToken(token)).toBe(false);
  });
});
