import { FakeDiscordServer } from '@warden/discord-stand-in';
import { freePort } from './free-port';
import { AppName, ServiceProcess } from './service-process';
import { startWardenStack, WardenStack } from './warden-stack';

export const CLUSTER_DISCORD = { clientId: 'warden-cluster', clientSecret: 'cluster-stand-in-secret' } as const;

export interface WardenCluster {
  /** The two gateways' base URLs; logins come back through the first (auth's DISCORD_CALLBACK_URL). */
  readonly gateways: [string, string];
  readonly discord: FakeDiscordServer;
  /** The two replica sets: each has one process of every app. */
  readonly replicas: [WardenStack, WardenStack];
  /** Every process of `app`: [replica 1, replica 2]. */
  processesOf(app: AppName): [ServiceProcess, ServiceProcess];
  /** Starts replica set `index` again (its gateway on the same port), after it was stopped or killed. */
  restartReplicaSet(index: 0 | 1): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Two replicas of every service and two gateways on different ports, against the Postgres/Redis/NATS
 * that `env` names, with the Discord stand-in — the topology the whole-system tests run on, and
 * `npm run cluster` by hand.
 */
export async function startWardenCluster(env: Record<string, string>, options: { gatewayPorts?: [number, number]; discordPort?: number } = {}): Promise<WardenCluster> {
  const ports: [number, number] = options.gatewayPorts ?? [await freePort(), await freePort()];
  const gateways: [string, string] = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
  const callback = `${gateways[0]}/auth/discord/callback`;
  const discord = new FakeDiscordServer({ ...CLUSTER_DISCORD, redirectUris: [callback], port: options.discordPort });
  const api = await discord.start();
  const shared = {
    DISCORD_CLIENT_ID: CLUSTER_DISCORD.clientId,
    DISCORD_CLIENT_SECRET: CLUSTER_DISCORD.clientSecret,
    DISCORD_CALLBACK_URL: callback,
    DISCORD_API_URL: api,
    ...env,
  };
  const started: WardenStack[] = [];
  try {
    // The first set migrates; the second starts against the migrated schemas, as a rolling deploy would.
    started.push(await startWardenStack({ ...shared, GATEWAY_PORT: String(ports[0]) }));
    started.push(await startWardenStack({ ...shared, GATEWAY_PORT: String(ports[1]) }));
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    await discord.stop();
    throw error;
  }
  const replicas = started as [WardenStack, WardenStack];
  return {
    gateways,
    discord,
    replicas,
    processesOf: (app) => [replicas[0].processes.get(app)!, replicas[1].processes.get(app)!],
    restartReplicaSet: async (index) => {
      await replicas[index].stop();
      replicas[index] = await startWardenStack({ ...shared, GATEWAY_PORT: String(ports[index]) });
    },
    stop: async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await discord.stop();
    },
  };
}
