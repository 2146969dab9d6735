/**
 * Keys whose values never reach the audit log, whatever the emitter sent (case-insensitive, substring).
 * A bare `key` is not among them: SECURITY_RATE_LIMIT_EXCEEDED names the rate-limit key (`ip:…`,
 * `user:…`) there, and the security scan counts violations by it; key material has its own names.
 */
export const SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /token/i,
  /secret/i,
  /passw(or)?d/i,
  /authorization/i,
  /cookie/i,
  /api[-_]?key/i,
  /private[-_]?key/i,
  /master[-_]?key/i,
  /key[-_]?material/i,
  /credential/i,
  /plaintext/i,
];

export const REDACTED = '[REDACTED]';

/** Copies `details` with every value under a secret-looking key replaced by "[REDACTED]", at any depth. */
export function redactDetails(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactDetails(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, SECRET_KEY_PATTERNS.some((p) => p.test(key)) ? REDACTED : redactDetails(v, depth + 1)]),
  );
}
