import { Injectable } from '@nestjs/common';

export type DependencyCheck = () => Promise<void>;

/** Named dependency checks (database, nats, redis…) that readiness and `<service>.health` both use. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, DependencyCheck>();
  private shuttingDown = false;

  register(name: string, check: DependencyCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check, each bounded by `timeoutMs`; resolves to up/down with a reason per dependency. */
  async runAll(timeoutMs: number): Promise<Record<string, { up: boolean; message?: string }>> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
          return [name, { up: true }] as const;
        } catch (error) {
          return [name, { up: false, message: (error as Error).message.slice(0, 200) }] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
