/**
 * Log paths whose values are replaced by "[REDACTED]". Headers that carry credentials, and fields that
 * by name hold secrets, at the depths where our log lines put them.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['password', 'secret', 'token', 'accessToken', 'refreshToken', 'clientSecret', 'plaintext', 'code', 'state', 'key', 'masterKey', 'authorization', 'cookie', 'browserBinding'].flatMap(
    (field) => [field, `*.${field}`, `*.*.${field}`],
  ),
];

export const REDACTION_CENSOR = '[REDACTED]';

/** A loggable summary of an error: its type, code and a bounded message — never its stack. */
export function describeError(error: unknown): { errorType: string; errorCode?: string; errorMessage?: string } {
  if (!(error instanceof Error)) return { errorType: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    errorType: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { errorCode: String(code) } : {}),
    errorMessage: error.message.slice(0, 300),
  };
}
