import { freePort } from './free-port';
import { AppName, ServiceProcess } from './service-process';

/** Rate limits no functional test reaches; rate-limit suites set their own rules. */
export const GENEROUS_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_LOGIN: '1000000/1m fixed',
  RATE_LIMIT_ANONYMOUS: '1000000/1m fixed',
  RATE_LIMIT_AUTHENTICATED: '1000000/1m fixed',
  RATE_LIMIT_GLOBAL_IP: '1000000/1m fixed',
};

export const BACKEND_APPS: readonly AppName[] = ['auth', 'authz', 'crypto', 'audit', 'scheduler'];

export interface WardenStack {
  readonly processes: Map<AppName, ServiceProcess>;
  readonly healthUrls: Map<AppName, string>;
  readonly gatewayUrl: string;
  stop(): Promise<void>;
}

/** Starts the given apps (default: all six) as processes with `env`, on free ports, and waits until each is ready. */
export async function startWardenStack(
  env: Record<string, string>,
  apps: readonly AppName[] = ['gateway', ...BACKEND_APPS],
  /** Variables for one app only (e.g. its own NATS user). */
  envOf: (app: AppName) => Record<string, string> = () => ({}),
): Promise<WardenStack> {
  const processes = new Map<AppName, ServiceProcess>();
  const healthUrls = new Map<AppName, string>();
  let gatewayUrl = '';
  const devKey = Buffer.alloc(32, 7).toString('base64');
  for (const app of apps) {
    const port = app === 'gateway' && env['GATEWAY_PORT'] ? Number(env['GATEWAY_PORT']) : await freePort();
    const appEnv: Record<string, string> = {
      ...env,
      ...envOf(app),
      ...(app === 'gateway' ? { GATEWAY_PORT: String(port), GATEWAY_HOST: env['GATEWAY_HOST'] ?? '127.0.0.1' } : { HEALTH_PORT: String(port) }),
    };
    if (app === 'gateway') {
      // Suites about other behaviour make many requests from one IP; rate-limit suites set their own rules.
      for (const [rule, value] of Object.entries(GENEROUS_RATE_LIMITS)) appEnv[rule] ??= value;
    }
    if (app === 'crypto' && !appEnv['KMS_MASTER_KEY']) appEnv['KMS_MASTER_KEY'] = devKey;
    if (app === 'audit' && !appEnv['AUDIT_CHECKPOINT_KEY']) appEnv['AUDIT_CHECKPOINT_KEY'] = Buffer.alloc(32, 5).toString('base64');
    if (app === 'auth') {
      // Tests that log in pass their own Discord stand-in; others only need the service to start.
      appEnv['DISCORD_CLIENT_ID'] ??= 'warden-test';
      appEnv['DISCORD_CLIENT_SECRET'] ??= 'not-a-real-secret';
      appEnv['DISCORD_CALLBACK_URL'] ??= 'http://127.0.0.1:9/auth/discord/callback';
      appEnv['DISCORD_API_URL'] ??= 'http://127.0.0.1:9/api';
    }
    processes.set(app, ServiceProcess.start(app, appEnv));
    healthUrls.set(app, `http://127.0.0.1:${port}/readyz`);
    if (app === 'gateway') gatewayUrl = `http://127.0.0.1:${port}`;
  }
  const stack: WardenStack = {
    processes,
    healthUrls,
    gatewayUrl,
    stop: async () => {
      await Promise.all([...processes.values()].map((p) => p.stop()));
    },
  };
  try {
    // Backends first: the gateway is ready only when all of them answer.
    await Promise.all(apps.filter((a) => a !== 'gateway').map((app) => processes.get(app)!.waitUntilReady(healthUrls.get(app)!)));
    if (processes.has('gateway')) await processes.get('gateway')!.waitUntilReady(healthUrls.get('gateway')!, 60_000);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}
