import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { killAndWait } from './kill-and-wait';
import { pollUntil } from './poll-until';

/**
 * A nats-server of the test's own (JetStream on, its own port and store), so a test can stop and
 * restart NATS without disturbing anything else on the machine.
 */
export class NatsServerProcess {
  private child: ChildProcess | null = null;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'warden-nats-'));

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, ...this.extraArgs], {
      stdio: 'ignore',
    });
    await pollUntil(
      async () => {
        const nc = await connect({ servers: this.url, timeout: 500, reconnect: false });
        await nc.close();
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 50, description: `nats-server on ${this.port}` },
    );
  }

  async stop(): Promise<void> {
    await killAndWait(this.child);
    this.child = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
