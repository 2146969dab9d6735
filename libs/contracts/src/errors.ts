/**
 * Every error code a Warden service can answer with, over NATS and HTTP alike. The gateway maps each
 * to an HTTP status with an exhaustive switch, so adding a code here without a status fails to compile.
 */
export const ErrorCode = {
  // generic
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
  // auth: login
  INVALID_STATE: 'INVALID_STATE',
  LOGIN_DENIED: 'LOGIN_DENIED',
  DISCORD_REJECTED: 'DISCORD_REJECTED',
  DISCORD_UNAVAILABLE: 'DISCORD_UNAVAILABLE',
  // crypto
  INVALID_CIPHERTEXT: 'INVALID_CIPHERTEXT',
  DECRYPT_FAILED: 'DECRYPT_FAILED',
  KEY_DESTROYED: 'KEY_DESTROYED',
  // gateway: the client's IP is on the blocklist (security-scan auto-ban)
  IP_BLOCKED: 'IP_BLOCKED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The body of every error reply, over NATS and HTTP: `{"error":{"code","message","requestId"}}`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId?: string;
    /** Offending fields, for validation errors. */
    fields?: string[];
  };
}

/** The HTTP status of each code; exhaustive, so a new code without a status fails to compile. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.BAD_REQUEST:
    case ErrorCode.INVALID_STATE:
    case ErrorCode.INVALID_CIPHERTEXT:
    case ErrorCode.DECRYPT_FAILED:
      return 400;
    case ErrorCode.UNAUTHORIZED:
    case ErrorCode.LOGIN_DENIED:
    case ErrorCode.DISCORD_REJECTED:
      return 401;
    case ErrorCode.FORBIDDEN:
    case ErrorCode.IP_BLOCKED:
      return 403;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.CONFLICT:
      return 409;
    case ErrorCode.KEY_DESTROYED:
      return 410;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.INTERNAL:
      return 500;
    case ErrorCode.SERVICE_UNAVAILABLE:
    case ErrorCode.DISCORD_UNAVAILABLE:
      return 503;
    case ErrorCode.TIMEOUT:
      return 504;
    default: {
      const unhandled: never = code;
      throw new Error(`no HTTP status for error code ${String(unhandled)}`);
    }
  }
}
