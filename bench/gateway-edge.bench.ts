import { STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import { SERVICE_NODE_FLAGS } from '@warden/config';
import { freePort, loginThroughGateway, pollUntil } from '@warden/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { startNatsEcho } from './lib/baseline-processes';
import { startBenchStack } from './lib/bench-stack';
import { Figure, measure, measureHttp, medianRound, ResultRow } from './lib/measure';
import { RATE_LIMIT_LUA } from '../apps/gateway/src/app/rate-limit/rate-limit-scripts';

const LIMITS = {
  RATE_LIMIT_LOGIN: '9999999/1m fixed',
  RATE_LIMIT_ANONYMOUS: '9999999/1m fixed',
  RATE_LIMIT_AUTHENTICATED: '9999999/1m sliding',
  RATE_LIMIT_GLOBAL_IP: '9999999/1m fixed',
};

const ROUNDS = 3;

/**
 * An authenticated, permission-guarded, rate-limited route through the full gateway, next to a bare
 * NestJS-on-Fastify hello with the same headers and a raw node:http handler doing one EVALSHA and one NATS
 * request/reply; and rate-limit decisions next to a single raw EVALSHA.
 */
export async function benchGatewayEdge(durationMs: number): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const bench = await startBenchStack({ ...LIMITS, BOOTSTRAP_ADMIN_DISCORD_IDS: STAND_IN_DISCORD_IDS.ada });
  const children: Array<ReturnType<typeof spawn>> = [];
  try {
    const admin = await loginThroughGateway(bench.gateway, bench.discord, STAND_IN_DISCORD_IDS.ada);
    const seconds = Math.max(1, Math.round(durationMs / 1000));
    const route = `${bench.gateway}/authz/users/${admin.user.id}/roles`;

    const helloPort = await freePort();
    // The baselines run with the services' Node flags too.
    const nodeOptions = { ...process.env, NODE_OPTIONS: SERVICE_NODE_FLAGS.join(' ') };
    children.push(spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['--tsconfig', 'tsconfig.base.json', 'bench/lib/nest-hello.ts', String(helloPort)], { stdio: 'inherit', env: nodeOptions }));
    await pollUntil(() => fetch(`http://127.0.0.1:${helloPort}/`).then((r) => r.ok).catch(() => false), { timeoutMs: 20_000 });
    const prefix = bench.environment.env['NATS_SUBJECT_PREFIX']!;
    children.push(startNatsEcho(bench.environment.env['NATS_URL']!, `${prefix}bench.echo`));
    const rawPort = await freePort();
    children.push(spawn(process.execPath, [...SERVICE_NODE_FLAGS, 'bench/lib/raw-same-io.cjs', String(rawPort), bench.environment.env['REDIS_URL']!, bench.environment.env['NATS_URL']!, `${prefix}bench.echo`], { stdio: 'inherit' }));
    await pollUntil(() => fetch(`http://127.0.0.1:${rawPort}/`).then((r) => r.ok).catch(() => false), { timeoutMs: 10_000 });

    // Three alternating rounds, each figure the median round: on a shared 2-core VM one 5 s window can be
    // 10% off either way, and alternating keeps a slow stretch from landing on one side only.
    const fullRounds: Figure[] = [];
    const rawRounds: Figure[] = [];
    const helloRounds: Figure[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      fullRounds.push(await measureHttp(route, { connections: 64, durationSeconds: seconds, headers: { authorization: `Bearer ${admin.token}` } }));
      rawRounds.push(await measureHttp(`http://127.0.0.1:${rawPort}/`, { connections: 64, durationSeconds: seconds }));
      helloRounds.push(await measureHttp(`http://127.0.0.1:${helloPort}/`, { connections: 64, durationSeconds: seconds }));
    }
    const [full, raw, hello] = [medianRound(fullRounds), medianRound(rawRounds), medianRound(helloRounds)];
    const perRound = (rounds: Figure[]) => rounds.map((r) => Math.round(r.opsPerSecond).toLocaleString('en-US')).join(' / ');
    console.log(`[bench] guarded route rounds (req/s): gateway ${perRound(fullRounds)}; raw same-I/O ${perRound(rawRounds)}; NestJS hello ${perRound(helloRounds)}`);

    const subject = 'gateway GET /authz/users/:id/roles (session and authz.check cached, both rate-limit decisions in one EVALSHA, handler over NATS)';
    rows.push({ benchmark: 'guarded route, 64 connections', subject, subjectFigure: full, baseline: 'raw node:http with 1 EVALSHA + 1 NATS request', baselineFigure: raw });
    rows.push({ benchmark: 'guarded route, 64 connections', subject, subjectFigure: full, baseline: 'bare NestJS-on-Fastify hello, same headers', baselineFigure: hello });

    const redis = new Redis(bench.environment.env['REDIS_URL']!);
    try {
      const decisionSha = (await redis.script('LOAD', RATE_LIMIT_LUA)) as string;
      const trivialSha = (await redis.script('LOAD', 'return 1')) as string;
      let i = 0;
      const oneRule = await measure(() => {
        const key = `bench:rl:${i++ % 1000}`;
        return redis.evalsha(decisionSha, 2, key, `${key}:violated`, 'fixed', 1_000_000, 60_000);
      }, { concurrency: 64, durationMs });
      const twoRules = await measure(() => {
        const ip = `bench:rl:ip:${i % 1000}`;
        const user = `bench:rl:user:${i++ % 1000}`;
        return redis.evalsha(decisionSha, 4, ip, `${ip}:violated`, user, `${user}:violated`, 'fixed', 1_000_000, 60_000, 'sliding', 1_000_000, 60_000);
      }, { concurrency: 64, durationMs });
      const trivial = await measure(() => redis.evalsha(trivialSha, 0), { concurrency: 64, durationMs });
      rows.push({ benchmark: 'rate-limit decisions, 64 in flight', subject: 'one fixed-window decision (EVALSHA of the decision script)', subjectFigure: oneRule, baseline: 'raw EVALSHA of `return 1`', baselineFigure: trivial });
      rows.push({ benchmark: 'rate-limit decisions, 64 in flight', subject: "a request's two decisions in one EVALSHA (global-IP fixed window + per-user GCRA)", subjectFigure: twoRules, baseline: 'raw EVALSHA of `return 1`', baselineFigure: trivial });
    } finally {
      redis.disconnect();
    }
  } finally {
    children.forEach((child) => child.kill('SIGTERM'));
    await bench.dispose();
  }
  return rows;
}
