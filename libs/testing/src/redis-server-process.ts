import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { killAndWait } from './kill-and-wait';
import { pollUntil } from './poll-until';

/** A redis-server of the test's own (no persistence, its own port), to stop and restart freely. */
export class RedisServerProcess {
  private child: ChildProcess | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    await pollUntil(
      async () => {
        const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      },
      { timeoutMs: 10_000, intervalMs: 50, description: `redis-server on ${this.port}` },
    );
  }

  async stop(): Promise<void> {
    await killAndWait(this.child);
    this.child = null;
  }
}
