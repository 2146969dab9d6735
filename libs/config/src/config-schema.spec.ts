import { ALL_APP_CONFIGS, cryptoConfig, gatewayConfig, schedulerConfig } from './app-configs';
import { ConfigError, parseConfig } from './config-schema';

describe('parseConfig', () => {
  it('fills defaults that point at the local services', () => {
    const config = parseConfig(gatewayConfig, {});
    expect(config.NATS_URL).toEqual(['nats://127.0.0.1:4222']);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.GATEWAY_PORT).toBe(3000);
    expect(config.NATS_SUBJECT_PREFIX).toBe('');
  });

  it.each([
    ['GATEWAY_PORT', '70000', /whole number from 1 to 65535/],
    ['GATEWAY_PORT', '30x', /whole number/],
    ['NATS_URL', 'http://x:4222', /nats:\/\/ or tls:\/\//],
    ['NATS_SUBJECT_PREFIX', 'no-dot', /dot-terminated/],
    ['LOG_LEVEL', 'chatty', /one of: fatal/],
  ])('names %s when it is %p', (variable, value, problem) => {
    expect(() => parseConfig(gatewayConfig, { [variable]: value })).toThrow(ConfigError);
    try {
      parseConfig(gatewayConfig, { [variable]: value });
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(problem);
      expect((error as ConfigError).message).not.toContain('\n');
    }
  });

  it('gives the scheduler the seed\'s schedule and safe scan defaults', () => {
    const config = parseConfig(schedulerConfig, {});
    expect(config.KEY_ROTATION_INTERVAL).toBe(30 * 86_400);
    expect(config.SECURITY_SCAN_CRON).toBe('0 3 * * *');
    expect(config.SECURITY_SCAN_WINDOW).toBe(86_400);
    expect([config.SCAN_FAILED_LOGINS_PER_IP, config.SCAN_FAILED_LOGINS_PER_ACCOUNT]).toEqual([10, 5]);
    expect(config.SCAN_AUTOBAN).toBe(false);
    expect(config.SCAN_AUTOBAN_TTL).toBe(3_600);
    expect(parseConfig(schedulerConfig, { SECURITY_SCAN_CRON: '*/2 * * * * *', SCAN_AUTOBAN: 'on' })).toMatchObject({ SECURITY_SCAN_CRON: '*/2 * * * * *', SCAN_AUTOBAN: true });
  });

  it.each([
    ['SECURITY_SCAN_CRON', 'daily', /cron pattern/],
    ['SECURITY_SCAN_CRON', '0 25 * * *', /cron pattern/],
    ['SECURITY_SCAN_CRON', '* * *', /cron pattern/],
    ['KEY_ROTATION_INTERVAL', '0d', /duration/],
    ['SCAN_FAILED_LOGINS_PER_IP', '0', /whole number/],
    ['SCAN_STUFFING_ACCOUNTS_PER_IP', '1', /whole number/],
    ['SCAN_AUTOBAN', 'maybe', /on or off/],
    ['SCHEDULER_JOB_LOCK_MS', '10', /whole number/],
  ])('refuses the scheduler\'s %s = %p', (variable, value, problem) => {
    expect(() => parseConfig(schedulerConfig, { [variable]: value })).toThrow(problem);
  });

  it('decodes KMS_MASTER_KEY and requires it in production only', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(parseConfig(cryptoConfig, { KMS_MASTER_KEY: key }).KMS_MASTER_KEY).toEqual(Buffer.alloc(32, 1));
    expect(parseConfig(cryptoConfig, {}).KMS_MASTER_KEY).toBeUndefined();
    expect(() => parseConfig(cryptoConfig, { NODE_ENV: 'production' })).toThrow('KMS_MASTER_KEY: is required when NODE_ENV=production');
  });

  it('never echoes the value of a sensitive variable in its error', () => {
    const secret = 'postgres-but-not-really://user:hunter2@db/x';
    expect(() => parseConfig(ALL_APP_CONFIGS.auth, { DATABASE_URL: secret })).toThrow(/DATABASE_URL/);
    try {
      parseConfig(ALL_APP_CONFIGS.auth, { DATABASE_URL: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  const discord = { DISCORD_CLIENT_ID: '123', DISCORD_CLIENT_SECRET: 'secret-secret', DISCORD_CALLBACK_URL: 'http://localhost:3000/auth/discord/callback' };

  it('parses durations into seconds', () => {
    expect(parseConfig(ALL_APP_CONFIGS.auth, { ...discord, SESSION_TTL: '12h' }).SESSION_TTL).toBe(43_200);
    expect(parseConfig(ALL_APP_CONFIGS.auth, discord).SESSION_TTL).toBe(7 * 86_400);
  });

  it('requires the Discord client settings of the auth service and validates the bootstrap admin ids', () => {
    expect(() => parseConfig(ALL_APP_CONFIGS.auth, {})).toThrow('DISCORD_CLIENT_ID: is required but not set');
    expect(parseConfig(ALL_APP_CONFIGS.auth, { ...discord, BOOTSTRAP_ADMIN_DISCORD_IDS: '80351110224678912, 80351110224678913' }).BOOTSTRAP_ADMIN_DISCORD_IDS).toEqual([
      '80351110224678912',
      '80351110224678913',
    ]);
    expect(() => parseConfig(ALL_APP_CONFIGS.auth, { ...discord, BOOTSTRAP_ADMIN_DISCORD_IDS: 'nelly' })).toThrow(/BOOTSTRAP_ADMIN_DISCORD_IDS/);
    expect(() => parseConfig(ALL_APP_CONFIGS.auth, { ...discord, SESSION_IP_POLICY: 'maybe' })).toThrow(/record, enforce/);
  });
});
