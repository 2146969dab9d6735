/**
 * `npm run bench`: every benchmark, each figure next to its baseline measured in the same run, with the
 * ratio; writes bench/results.md. BENCH_DURATION_MS sets the length of each measurement (default 5 s).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatFigure, ratio, ResultRow } from './lib/measure';
import { benchAuditIngest } from './audit-ingest.bench';
import { benchAuthzCheck } from './authz-check.bench';
import { benchCrypto } from './crypto.bench';
import { benchGatewayEdge } from './gateway-edge.bench';
import { benchSecurityScan } from './security-scan.bench';
import { benchWholeSystem } from './whole-system.bench';
import { benchSessionValidation } from './session-validation.bench';

async function main(): Promise<void> {
  const durationMs = Number(process.env['BENCH_DURATION_MS'] ?? 5_000);
  const only = process.env['BENCH_ONLY'];
  const suites: Array<[string, (ms: number) => Promise<ResultRow[]>]> = [
    ['session-validation', benchSessionValidation],
    ['authz-check', benchAuthzCheck],
    ['crypto', benchCrypto],
    ['audit-ingest', benchAuditIngest],
    ['gateway-edge', benchGatewayEdge],
    ['security-scan', benchSecurityScan],
    ['whole-system', benchWholeSystem],
  ];
  const rows: ResultRow[] = [];
  for (const [name, suite] of suites) {
    if (only && !only.split(',').includes(name)) continue;
    console.log(`[bench] ${name}…`);
    const result = await suite(durationMs);
    for (const row of result) console.log(`[bench] ${row.benchmark}: ${row.subject} ${formatFigure(row.subjectFigure)} | ${row.baseline} ${formatFigure(row.baselineFigure)} | ${ratio(row)}`);
    rows.push(...result);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const table = [
    `# Benchmark results`,
    '',
    `${new Date().toISOString().slice(0, 10)} on ${machine}; each figure measured for ${durationMs / 1000} s after a warm-up, next to its baseline from the same run.`,
    '',
    '| benchmark | subject | figure | baseline | baseline figure | ratio |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.benchmark} | ${r.subject} | ${formatFigure(r.subjectFigure)} | ${r.baseline} | ${formatFigure(r.baselineFigure)} | ${ratio(r)} |`),
    '',
  ].join('\n');
  // A partial run (BENCH_ONLY) prints its table but leaves the last full results in place.
  if (!only) writeFileSync(join(__dirname, 'results.md'), table);
  console.log(`\n${table}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
