import autocannon from 'autocannon';

export interface Figure {
  /** Operations (requests, round trips) per second. */
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Runs `operation` with `concurrency` loops for `durationMs`, recording each latency. */
export async function measure(operation: () => Promise<unknown>, options: { concurrency: number; durationMs: number; warmupMs?: number }): Promise<Figure> {
  const run = async (durationMs: number, record: boolean) => {
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + durationMs;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          try {
            await operation();
            if (record) latencies.push(performance.now() - t0);
          } catch {
            errors += 1;
          }
        }
      }),
    );
    return { latencies, errors, elapsed: performance.now() - started };
  };
  await run(options.warmupMs ?? 1_000, false);
  const { latencies, errors, elapsed } = await run(options.durationMs, true);
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { opsPerSecond: (latencies.length / elapsed) * 1000, p50Ms: pick(0.5), p99Ms: pick(0.99), errors };
}

/** HTTP load with autocannon (keep-alive, `connections` concurrent). */
export async function measureHttp(url: string, options: { connections: number; durationSeconds: number; headers?: Record<string, string> }): Promise<Figure> {
  await autocannon({ url, connections: options.connections, duration: 1, headers: options.headers });
  const result = await autocannon({ url, connections: options.connections, duration: options.durationSeconds, headers: options.headers });
  return {
    opsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The round with the median throughput (an odd number of rounds), latencies included. */
export function medianRound(rounds: readonly Figure[]): Figure {
  const sorted = [...rounds].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function formatFigure(figure: Figure): string {
  const rate = `${Math.round(figure.opsPerSecond).toLocaleString('en-US')} ops/s`;
  if (Number.isNaN(figure.p99Ms)) return rate;
  return `${rate}, p50 ${figure.p50Ms.toFixed(2)} ms, p99 ${figure.p99Ms.toFixed(2)} ms${figure.errors ? `, ${figure.errors} errors` : ''}`;
}

export interface ResultRow {
  benchmark: string;
  subject: string;
  subjectFigure: Figure;
  baseline: string;
  baselineFigure: Figure;
}

export function ratio(row: ResultRow): string {
  const throughput = `${((row.subjectFigure.opsPerSecond / row.baselineFigure.opsPerSecond) * 100).toFixed(0)}% of baseline throughput`;
  if (Number.isNaN(row.subjectFigure.p99Ms) || row.baselineFigure.p99Ms === 0) return throughput;
  return `${throughput}, p99 ×${(row.subjectFigure.p99Ms / row.baselineFigure.p99Ms).toFixed(2)}`;
}
