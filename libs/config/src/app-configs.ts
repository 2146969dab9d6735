import { ConfigValues, defineConfig } from './config-schema';
import { healthPort, Variables as V } from './variables';

/** What every service reads: run mode, logging, NATS, audit stream, shutdown. */
const core = {
  NODE_ENV: V.NODE_ENV,
  LOG_LEVEL: V.LOG_LEVEL,
  NATS_URL: V.NATS_URL,
  NATS_USER: V.NATS_USER,
  NATS_PASSWORD: V.NATS_PASSWORD,
  NATS_CREDS: V.NATS_CREDS,
  NATS_TLS_CA: V.NATS_TLS_CA,
  NATS_SUBJECT_PREFIX: V.NATS_SUBJECT_PREFIX,
  NATS_REQUEST_TIMEOUT_MS: V.NATS_REQUEST_TIMEOUT_MS,
  AUDIT_STREAM: V.AUDIT_STREAM,
  SHUTDOWN_TIMEOUT_MS: V.SHUTDOWN_TIMEOUT_MS,
};

export const DEFAULT_HEALTH_PORTS = { auth: 3101, authz: 3102, crypto: 3103, audit: 3104, scheduler: 3105 } as const;

export const gatewayConfig = defineConfig({
  ...core,
  GATEWAY_PORT: V.GATEWAY_PORT,
  GATEWAY_HOST: V.GATEWAY_HOST,
  READINESS_TIMEOUT_MS: V.READINESS_TIMEOUT_MS,
  REDIS_URL: V.REDIS_URL,
  REDIS_KEY_PREFIX: V.REDIS_KEY_PREFIX,
  POST_LOGIN_REDIRECT_URL: V.POST_LOGIN_REDIRECT_URL,
  SESSION_COOKIE_SECURE: V.SESSION_COOKIE_SECURE,
  SESSION_CACHE_TTL_MS: V.SESSION_CACHE_TTL_MS,
  PERMISSION_CACHE_TTL_MS: V.PERMISSION_CACHE_TTL_MS,
  TRUSTED_PROXIES: V.TRUSTED_PROXIES,
  ALLOWED_ORIGINS: V.ALLOWED_ORIGINS,
  SECURITY_HEADER_CSP: V.SECURITY_HEADER_CSP,
  SECURITY_HEADER_HSTS: V.SECURITY_HEADER_HSTS,
  SECURITY_HEADER_FRAME_OPTIONS: V.SECURITY_HEADER_FRAME_OPTIONS,
  RATE_LIMIT_LOGIN: V.RATE_LIMIT_LOGIN,
  RATE_LIMIT_ANONYMOUS: V.RATE_LIMIT_ANONYMOUS,
  RATE_LIMIT_AUTHENTICATED: V.RATE_LIMIT_AUTHENTICATED,
  RATE_LIMIT_GLOBAL_IP: V.RATE_LIMIT_GLOBAL_IP,
  RATE_LIMIT_IPV6_PREFIX: V.RATE_LIMIT_IPV6_PREFIX,
});
export type GatewayConfig = ConfigValues<typeof gatewayConfig.shape>;

export const authConfig = defineConfig({
  ...core,
  HEALTH_PORT: healthPort(DEFAULT_HEALTH_PORTS.auth),
  DATABASE_URL: V.DATABASE_URL,
  SESSION_TTL: V.SESSION_TTL,
  SESSION_IP_POLICY: V.SESSION_IP_POLICY,
  DISCORD_CLIENT_ID: V.DISCORD_CLIENT_ID,
  DISCORD_CLIENT_SECRET: V.DISCORD_CLIENT_SECRET,
  DISCORD_CALLBACK_URL: V.DISCORD_CALLBACK_URL,
  DISCORD_API_URL: V.DISCORD_API_URL,
  DISCORD_REQUEST_EMAIL: V.DISCORD_REQUEST_EMAIL,
  BOOTSTRAP_ADMIN_DISCORD_IDS: V.BOOTSTRAP_ADMIN_DISCORD_IDS,
});
export type AuthConfig = ConfigValues<typeof authConfig.shape>;

export const authzConfig = defineConfig({
  ...core,
  HEALTH_PORT: healthPort(DEFAULT_HEALTH_PORTS.authz),
  DATABASE_URL: V.DATABASE_URL,
});
export type AuthzConfig = ConfigValues<typeof authzConfig.shape>;

export const cryptoConfig = defineConfig(
  {
    ...core,
    HEALTH_PORT: healthPort(DEFAULT_HEALTH_PORTS.crypto),
    DATABASE_URL: V.DATABASE_URL,
    KMS_MASTER_KEY: V.KMS_MASTER_KEY,
  },
  [
    // A generated development key would silently make every stored data key unreadable in production.
    (values) =>
      values.NODE_ENV === 'production' && !values.KMS_MASTER_KEY
        ? { variable: 'KMS_MASTER_KEY', problem: 'is required when NODE_ENV=production' }
        : null,
  ],
);
export type CryptoConfig = ConfigValues<typeof cryptoConfig.shape>;

export const auditConfig = defineConfig(
  {
    ...core,
    HEALTH_PORT: healthPort(DEFAULT_HEALTH_PORTS.audit),
    DATABASE_URL: V.DATABASE_URL,
    AUDIT_CHECKPOINT_KEY: V.AUDIT_CHECKPOINT_KEY,
    AUDIT_CHECKPOINT_INTERVAL: V.AUDIT_CHECKPOINT_INTERVAL,
  },
  [
    (values) =>
      values.NODE_ENV === 'production' && !values.AUDIT_CHECKPOINT_KEY
        ? { variable: 'AUDIT_CHECKPOINT_KEY', problem: 'is required when NODE_ENV=production' }
        : null,
  ],
);
export type AuditConfig = ConfigValues<typeof auditConfig.shape>;

export const schedulerConfig = defineConfig({
  ...core,
  HEALTH_PORT: healthPort(DEFAULT_HEALTH_PORTS.scheduler),
  DATABASE_URL: V.DATABASE_URL,
  REDIS_URL: V.REDIS_URL,
  REDIS_KEY_PREFIX: V.REDIS_KEY_PREFIX,
  KEY_ROTATION_INTERVAL: V.KEY_ROTATION_INTERVAL,
  SECURITY_SCAN_CRON: V.SECURITY_SCAN_CRON,
  SECURITY_SCAN_WINDOW: V.SECURITY_SCAN_WINDOW,
  SCAN_FAILED_LOGINS_PER_IP: V.SCAN_FAILED_LOGINS_PER_IP,
  SCAN_FAILED_LOGINS_PER_ACCOUNT: V.SCAN_FAILED_LOGINS_PER_ACCOUNT,
  SCAN_STUFFING_ACCOUNTS_PER_IP: V.SCAN_STUFFING_ACCOUNTS_PER_IP,
  SCAN_PERMISSION_DENIALS_PER_USER: V.SCAN_PERMISSION_DENIALS_PER_USER,
  SCAN_DECRYPT_FAILURES_PER_ACTOR: V.SCAN_DECRYPT_FAILURES_PER_ACTOR,
  SCAN_RATE_LIMIT_VIOLATIONS_PER_KEY: V.SCAN_RATE_LIMIT_VIOLATIONS_PER_KEY,
  SCAN_AUTOBAN: V.SCAN_AUTOBAN,
  SCAN_AUTOBAN_TTL: V.SCAN_AUTOBAN_TTL,
  SCHEDULER_JOB_LOCK_MS: V.SCHEDULER_JOB_LOCK_MS,
});
export type SchedulerConfig = ConfigValues<typeof schedulerConfig.shape>;

/** The settings the shared libraries (messaging, logging, host) need from any service's config. */
export type CoreConfig = ConfigValues<typeof core>;

export const ALL_APP_CONFIGS = {
  gateway: gatewayConfig,
  auth: authConfig,
  authz: authzConfig,
  crypto: cryptoConfig,
  audit: auditConfig,
  scheduler: schedulerConfig,
} as const;
