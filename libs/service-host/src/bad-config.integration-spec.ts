import { AppName, ServiceProcess } from '@warden/testing';

/** A bad or missing variable stops the process with one line naming it: no stack trace, non-zero exit. */
describe('start-up with bad configuration', () => {
  const cases: Array<{ app: AppName; env: Record<string, string>; variable: string; problem: RegExp }> = [
    { app: 'gateway', env: { GATEWAY_PORT: 'eighty' }, variable: 'GATEWAY_PORT', problem: /whole number/ },
    { app: 'auth', env: { NATS_URL: 'http://127.0.0.1:4222' }, variable: 'NATS_URL', problem: /nats:\/\/ or tls:\/\// },
    { app: 'authz', env: { DATABASE_URL: 'mysql://root@localhost/x' }, variable: 'DATABASE_URL', problem: /postgres/ },
    { app: 'crypto', env: { KMS_MASTER_KEY: 'dG9vLXNob3J0' }, variable: 'KMS_MASTER_KEY', problem: /32 bytes/ },
    { app: 'crypto', env: { NODE_ENV: 'production' }, variable: 'KMS_MASTER_KEY', problem: /required when NODE_ENV=production/ },
    { app: 'audit', env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL', problem: /one of/ },
    { app: 'scheduler', env: { REDIS_URL: 'not a url' }, variable: 'REDIS_URL', problem: /redis:\/\// },
  ];

  it.each(cases)('$app refuses $variable ($env)', async ({ app, env, variable, problem }) => {
    const child = ServiceProcess.start(app, env);
    const result = await child.exited;
    const output = child.output.join('');
    expect(result.code).toBe(78);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`warden-${app}: invalid configuration: ${variable}:`);
    expect(lines[0]).toMatch(problem);
    expect(output).not.toMatch(/\s+at\s.+\(.+:\d+:\d+\)/);
  });

  it('never prints the value of a sensitive variable', async () => {
    const secret = 'c3VwZXItc2VjcmV0LXZhbHVl';
    const child = ServiceProcess.start('crypto', { KMS_MASTER_KEY: secret });
    await child.exited;
    expect(child.output.join('')).not.toContain(secret);
  });
});
