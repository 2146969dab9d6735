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
    /** For a server with authorization: its environment (password variables) and a user to probe with. */
    private readonly options: { env?: Record<string, string>; probeUser?: { user: string; pass: string } } = {},
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, ...this.extraArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', ...this.options.env },
    });
    const errors: string[] = [];
    this.child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    await pollUntil(
      async () => {
        const nc = await connect({ servers: this.url, timeout: 500, reconnect: false, ...this.options.probeUser });
        await nc.close();
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 50, description: `nats-server on ${this.port}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- nats-server output ---\n${errors.join('').slice(-2000)}`);
    });
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
