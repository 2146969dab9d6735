import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { variable } from './config-schema';
import { base64Key, csv, durationSeconds, integer, oneOf, optionalText, port, text, urlList, urlWith } from './value-parsers';

/** `<limit>/<window> [fixed|sliding]`, e.g. `10/1m fixed` (window ≥ 1 s). */
const rateRule = () =>
  z
    .string()
    .regex(/^\d{1,7}\/\d{1,6}(ms|s|m|h)(\s+(fixed|sliding))?$/, { error: 'must look like 10/1m fixed or 600/60s sliding' });

export const booleanFlag = (description: string, defaultValue: 'on' | 'off') =>
  variable(z.enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'must be on or off' }).transform((v) => ['on', 'true', '1'].includes(v)), description, {
    default: defaultValue,
  });

/** A cron pattern (5 fields, or 6 with seconds), checked by the parser BullMQ uses. */
function cronPattern(): z.ZodType<string> {
  return z.string().refine(
    (pattern) => {
      if (!/^\S+(\s+\S+){4,5}$/.test(pattern.trim())) return false;
      try {
        CronExpressionParser.parse(pattern, { tz: 'UTC' });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be a cron pattern such as "0 3 * * *"' },
  );
}

/**
 * The catalogue of every environment variable Warden reads. Each app's definition picks from it, so a
 * variable means the same thing everywhere and the README's table is checked against this list.
 */
export const Variables = {
  NODE_ENV: variable(oneOf(['development', 'test', 'production']), 'Run mode; production turns on strict checks.', {
    default: 'development',
  }),
  LOG_LEVEL: variable(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'Minimum log level.', {
    default: 'info',
  }),
  NATS_URL: variable(urlList(['nats:', 'tls:']), 'NATS server URL(s), comma-separated; tls:// turns on TLS.', {
    default: 'nats://127.0.0.1:4222',
  }),
  NATS_USER: variable(optionalText(), 'NATS user name (with NATS_PASSWORD).'),
  NATS_PASSWORD: variable(optionalText(), 'NATS password.', { sensitive: true }),
  NATS_CREDS: variable(optionalText(), 'Path to a NATS .creds file (JWT + seed) or an NKEY seed file.'),
  NATS_TLS_CA: variable(optionalText(), 'Path to a PEM CA bundle for tls:// NATS URLs (default: system CAs).'),
  NATS_SUBJECT_PREFIX: variable(
    text({ pattern: /^([A-Za-z0-9_-]+\.)*$/, patternHint: 'must be empty or dot-terminated tokens such as "t42."' }),
    'Prefix for every NATS subject (isolates test runs; empty in production).',
    { default: '' },
  ),
  NATS_REQUEST_TIMEOUT_MS: variable(integer(50, 120_000), 'Timeout of one NATS request/reply, in ms.', {
    default: '5000',
  }),
  AUDIT_STREAM: variable(
    text({ pattern: /^[A-Za-z0-9_-]{1,64}$/, patternHint: 'must be 1-64 letters, digits, _ or -' }),
    'JetStream stream that carries audit events.',
    { default: 'AUDIT' },
  ),
  SHUTDOWN_TIMEOUT_MS: variable(integer(0, 600_000), 'How long SIGTERM waits for in-flight work before closing.', {
    default: '10000',
  }),
  DATABASE_URL: variable(urlWith(['postgres:', 'postgresql:']), 'PostgreSQL connection URL.', {
    sensitive: true,
    default: 'postgres://postgres@127.0.0.1:5432/warden',
  }),
  REDIS_URL: variable(urlWith(['redis:', 'rediss:']), 'Redis connection URL.', {
    sensitive: true,
    default: 'redis://127.0.0.1:6379',
  }),
  REDIS_KEY_PREFIX: variable(
    text({ pattern: /^[A-Za-z0-9_:.-]{1,64}$/, patternHint: 'must be 1-64 of A-Z a-z 0-9 _ : . -' }),
    'Prefix of every Redis key and BullMQ queue.',
    { default: 'warden:' },
  ),
  GATEWAY_PORT: variable(port(), 'HTTP port of the gateway.', { default: '3000' }),
  GATEWAY_HOST: variable(text(), 'Address the gateway listens on.', { default: '0.0.0.0' }),
  READINESS_TIMEOUT_MS: variable(integer(100, 10_000), 'Budget for each dependency check of /readyz, in ms.', {
    default: '1500',
  }),
  KMS_MASTER_KEY: variable(base64Key(32), 'Key-encryption key, base64 of 32 bytes. Required in production.', {
    sensitive: true,
  }),
  DISCORD_CLIENT_ID: variable(text({ pattern: /^[A-Za-z0-9_-]{1,64}$/, patternHint: 'must be the Discord application id' }), 'Discord application (OAuth2 client) id.'),
  DISCORD_CLIENT_SECRET: variable(text({ pattern: /^.{8,256}$/, patternHint: 'must be the Discord client secret' }), 'Discord OAuth2 client secret (auth service only).', {
    sensitive: true,
  }),
  DISCORD_CALLBACK_URL: variable(urlWith(['http:', 'https:']), "OAuth2 redirect URI registered at Discord: the gateway's /auth/discord/callback."),
  DISCORD_API_URL: variable(urlWith(['http:', 'https:']), 'Discord API base; authorize, token, revoke and users/@me hang under it (API v10).', {
    default: 'https://discord.com/api',
  }),
  DISCORD_REQUEST_EMAIL: booleanFlag('Also request the `email` scope at login.', 'off'),
  BOOTSTRAP_ADMIN_DISCORD_IDS: variable(
    csv(/^\d{15,22}$/, 'must be a comma-separated list of Discord ids (digits)'),
    'Discord ids whose first login gets the admin role.',
    { default: '' },
  ),
  POST_LOGIN_REDIRECT_URL: variable(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    'Where the browser goes after login (302); unset: the callback answers JSON.',
  ),
  SESSION_IP_POLICY: variable(oneOf(['record', 'enforce']), 'record: audit a session used from a new IP; enforce: also reject it (401).', {
    default: 'record',
  }),
  SESSION_COOKIE_SECURE: variable(oneOf(['auto', 'on', 'off']), 'Secure session cookie (named __Host-session); auto = on unless NODE_ENV=development.', {
    default: 'auto',
  }),
  SESSION_CACHE_TTL_MS: variable(integer(0, 10_000), 'How long a gateway may reuse a session validation (revocations evict at once).', {
    default: '2000',
  }),
  PERMISSION_CACHE_TTL_MS: variable(integer(0, 10_000), 'How long a gateway may reuse an authz.check answer (authz changes evict at once).', {
    default: '2000',
  }),
  AUDIT_CHECKPOINT_KEY: variable(
    z
      .string()
      .optional()
      .refine((v) => v === undefined || (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 32), {
        error: 'must be base64 of at least 32 bytes (openssl rand -base64 32)',
      })
      .transform((v) => (v === undefined ? undefined : Buffer.from(v, 'base64'))),
    'HMAC key signing audit checkpoints (base64, ≥ 32 bytes). Required in production.',
    { sensitive: true },
  ),
  AUDIT_CHECKPOINT_INTERVAL: variable(durationSeconds(60, 86_400), 'How often the audit chain head is signed.', { default: '1h' }),
  TRUSTED_PROXIES: variable(
    csv(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must be a comma-separated list of IPs or CIDRs'),
    'Proxies whose X-Forwarded-For hop is trusted (IPs or CIDRs, comma-separated); empty: the socket address is the client.',
    { default: '' },
  ),
  ALLOWED_ORIGINS: variable(
    csv(/^https?:\/\/[^\s,/]+$/, 'must be a comma-separated list of origins such as https://app.example.com'),
    'Origins allowed for CORS and for cookie-authenticated unsafe requests (besides the gateway’s own).',
    { default: '' },
  ),
  SECURITY_HEADER_CSP: variable(text({ pattern: /^[^\r\n]{1,2000}$/, patternHint: 'must be one line' }), 'Content-Security-Policy value.', {
    default: "default-src 'self'",
  }),
  SECURITY_HEADER_HSTS: variable(
    text({ pattern: /^max-age=\d{1,9}(; ?includeSubDomains)?(; ?preload)?$/, patternHint: 'must look like max-age=31536000; includeSubDomains' }),
    'Strict-Transport-Security value.',
    { default: 'max-age=31536000; includeSubDomains' },
  ),
  SECURITY_HEADER_FRAME_OPTIONS: variable(oneOf(['DENY', 'SAMEORIGIN']), 'X-Frame-Options value.', { default: 'DENY' }),
  RATE_LIMIT_LOGIN: variable(rateRule(), 'Login routes, per client IP.', { default: '10/1m fixed' }),
  RATE_LIMIT_ANONYMOUS: variable(rateRule(), 'Other routes without a valid session, per client IP.', { default: '120/1m sliding' }),
  RATE_LIMIT_AUTHENTICATED: variable(rateRule(), 'Other routes with a valid session, per user.', { default: '600/1m sliding' }),
  RATE_LIMIT_GLOBAL_IP: variable(rateRule(), 'Ceiling for every route, per client IP.', { default: '1200/1m fixed' }),
  RATE_LIMIT_IPV6_PREFIX: variable(
    integer(32, 128),
    'Per-IP rules count an IPv6 client by its network of this many leading bits (one subscriber holds a whole /64); 128 counts each address.',
    { default: '64' },
  ),
  SESSION_TTL: variable(durationSeconds(60, 90 * 86400), 'Session lifetime (e.g. 7d).', { default: '7d' }),
  KEY_ROTATION_INTERVAL: variable(durationSeconds(1, 365 * 86400), 'How often the scheduler rotates the encryption key (e.g. 30d).', {
    default: '30d',
  }),
  SECURITY_SCAN_CRON: variable(cronPattern(), 'When the daily security scan runs: a cron pattern in UTC (5 fields, or 6 with seconds).', {
    default: '0 3 * * *',
  }),
  SECURITY_SCAN_WINDOW: variable(durationSeconds(1, 31 * 86400), 'How far back each security scan looks (e.g. 24h).', { default: '24h' }),
  SCAN_FAILED_LOGINS_PER_IP: variable(integer(1, 1_000_000), 'Failed logins from one IP in a scan window that make a finding.', { default: '10' }),
  SCAN_FAILED_LOGINS_PER_ACCOUNT: variable(integer(1, 1_000_000), 'Failed authentications of one account in a window that make a finding.', {
    default: '5',
  }),
  SCAN_STUFFING_ACCOUNTS_PER_IP: variable(integer(2, 1_000_000), 'Distinct accounts failing from one IP in a window that make a credential-stuffing finding.', {
    default: '5',
  }),
  SCAN_PERMISSION_DENIALS_PER_USER: variable(integer(1, 1_000_000), 'Permission denials of one user in a window that make a finding.', {
    default: '20',
  }),
  SCAN_DECRYPT_FAILURES_PER_ACTOR: variable(integer(1, 1_000_000), 'Decrypt failures of one actor in a window that make a finding.', { default: '10' }),
  SCAN_RATE_LIMIT_VIOLATIONS_PER_KEY: variable(integer(1, 1_000_000), 'Rate-limit violations (one per key per limit window) of one key in a scan window that make a finding.', {
    default: '5',
  }),
  SCAN_AUTOBAN: booleanFlag('Block the IP of every high-severity finding at the gateway (403 IP_BLOCKED).', 'off'),
  SCAN_AUTOBAN_TTL: variable(durationSeconds(1, 30 * 86400), 'How long an auto-ban lasts (e.g. 1h).', { default: '1h' }),
  SCHEDULER_JOB_LOCK_MS: variable(integer(1_000, 600_000), 'Lock of a running job; a worker silent this long is presumed dead and its job runs again.', {
    default: '30000',
  }),
} as const;

/** HEALTH_PORT is per service; its default differs per app. */
export function healthPort(defaultPort: number) {
  return variable(port(), 'HTTP port of /healthz, /readyz and /metrics for Kubernetes probes.', {
    default: String(defaultPort),
  });
}

export type VariableName = keyof typeof Variables | 'HEALTH_PORT';

