import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@warden/config';
import { pollUntil } from './poll-until';

export const WORKSPACE_ROOT = join(__dirname, '../../..');

export type AppName = 'gateway' | 'auth' | 'authz' | 'crypto' | 'audit' | 'scheduler';

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A built Warden app (`dist/apps/<name>/main.js`) running as its own process, as in production.
 * Output is kept for assertions and shown when a test fails to start it.
 */
export class ServiceProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<ExitResult>;

  private constructor(
    readonly app: AppName,
    env: Record<string, string>,
    args: string[],
  ) {
    const main = join(WORKSPACE_ROOT, 'dist/apps', app, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build the apps first (npm run build)`);
    this.child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, main, ...args], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static start(app: AppName, env: Record<string, string>, args: string[] = []): ServiceProcess {
    return new ServiceProcess(app, env, args);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until `url` answers 200 (its /readyz), failing at once if the process exits. */
  async waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
    let lastAnswer = 'no answer';
    const ready = pollUntil(
      async () => {
        const response = await fetch(url).catch(() => null);
        if (response && response.status !== 200) lastAnswer = `${response.status} ${(await response.text()).slice(0, 500)}`;
        return response?.status === 200;
      },
      { timeoutMs, intervalMs: 100, description: `${this.app} to be ready at ${url}` },
    );
    const exited = this.exited.then((result) => {
      throw new Error(`${this.app} exited during start-up (${result.signal ?? `code ${result.code}`})`);
    });
    // A later, normal exit (stop) must not surface as an unhandled rejection.
    exited.catch(() => undefined);
    await Promise.race([ready, exited]).catch((error: Error) => {
      throw new Error(`${error.message}\nlast answer: ${lastAnswer}\n--- ${this.app} output ---\n${this.output.join('').slice(-4000)}`);
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (this.isRunning) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<ExitResult> {
    if (!this.isRunning) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}
