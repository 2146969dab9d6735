import { createIsolatedEnvironment, pollUntil, startWardenStack } from '@warden/testing';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { CompiledGrants, Grant } from '../apps/authz/src/app/decisions/compiled-grants';
import { PermissionCache } from '../apps/authz/src/app/decisions/permission-cache';
import { startNatsEcho } from './lib/baseline-processes';
import { measure, ResultRow } from './lib/measure';

const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act)
`;

/**
 * `authz.check` over NATS at concurrency 1 and 64 next to a bare NATS echo; and the in-process decision
 * (cached compiled grants) next to Casbin's RBAC enforce() on the same roles and assignments.
 */
export async function benchAuthzCheck(durationMs: number): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const environment = await createIsolatedEnvironment();
  const stack = await startWardenStack({ ...environment.env, LOG_LEVEL: 'warn' }, ['authz']);
  const prefix = environment.env['NATS_SUBJECT_PREFIX']!;
  const nats = await connect({ servers: environment.env['NATS_URL'] });
  const echo = startNatsEcho(environment.env['NATS_URL']!, `${prefix}bench.echo`);
  try {
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const ask = async (subject: string, body: unknown) => JSON.parse(new TextDecoder().decode((await nats.request(`${prefix}${subject}`, enc(body), { timeout: 5_000 })).data));
    const userId = randomUUID();
    await ask('authz.roles.create', { actorId: 'bench', name: 'auditor' });
    await ask('authz.roles.grant', { actorId: 'bench', name: 'auditor', resource: 'audit', action: 'read' });
    await ask('authz.roles.assign', { actorId: 'bench', userId, name: 'auditor' });
    const payload = enc({ userId, resource: 'audit', action: 'read' });
    await pollUntil(() => nats.request(`${prefix}bench.echo`, payload, { timeout: 500 }).then(() => true), { timeoutMs: 5_000 });
    for (const concurrency of [1, 64]) {
      const check = await measure(() => nats.request(`${prefix}authz.check`, payload, { timeout: 5_000 }), { concurrency, durationMs });
      const bare = await measure(() => nats.request(`${prefix}bench.echo`, payload, { timeout: 5_000 }), { concurrency, durationMs });
      rows.push({ benchmark: `authz.check over NATS, concurrency ${concurrency}`, subject: 'authz.check', subjectFigure: check, baseline: 'bare NATS echo', baselineFigure: bare });
    }
  } finally {
    echo.kill('SIGTERM');
    await nats.close();
    await stack.stop();
    await environment.dispose();
  }

  // In-process: 50 roles × 10 permissions (some wildcards), 2,000 users with 3 roles each.
  const roles = Array.from({ length: 50 }, (_, i) => `role-${i}`);
  const grantsOfRole = new Map<string, Grant[]>(
    roles.map((role, i) => [
      role,
      Array.from({ length: 10 }, (_, j) => ({ role, resource: j === 9 && i % 10 === 0 ? '*' : `res-${(i + j) % 40}`, action: j % 3 === 0 ? '*' : `act-${j % 5}` })),
    ]),
  );
  const users = Array.from({ length: 2_000 }, (_, u) => ({ id: `user-${u}`, roles: [roles[u % 50]!, roles[(u * 7) % 50]!, roles[(u * 13) % 50]!] }));
  const cache = new PermissionCache();
  const compiled = new Map(users.map((u) => [u.id, new CompiledGrants(u.roles.flatMap((r) => grantsOfRole.get(r)!), u.roles)]));
  const load = async (id: string) => compiled.get(id)!;
  for (const u of users) await cache.get(u.id, load);
  const policy = [
    ...[...grantsOfRole.values()].flat().map((g) => `p, ${g.role}, ${g.resource}, ${g.action}`),
    ...users.flatMap((u) => u.roles.map((r) => `g, ${u.id}, ${r}`)),
  ].join('\n');
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(policy));
  const queries = Array.from({ length: 10_000 }, (_, i) => ({ user: `user-${(i * 31) % 2_000}`, resource: `res-${i % 45}`, action: `act-${i % 6}` }));
  // Both answer the same questions the same way before they are timed.
  for (const q of queries.slice(0, 2_000)) {
    const ours = (await cache.get(q.user, load)).decide(q.resource, q.action).allowed;
    const theirs = await enforcer.enforce(q.user, q.resource, q.action);
    if (ours !== theirs) throw new Error(`decision mismatch for ${JSON.stringify(q)}: warden ${ours}, casbin ${theirs}`);
  }
  let i = 0;
  const warden = await measure(async () => {
    const q = queries[i++ % queries.length]!;
    return (await cache.get(q.user, load)).decide(q.resource, q.action);
  }, { concurrency: 1, durationMs });
  let j = 0;
  const casbin = await measure(() => {
    const q = queries[j++ % queries.length]!;
    return enforcer.enforce(q.user, q.resource, q.action);
  }, { concurrency: 1, durationMs });
  rows.push({ benchmark: 'in-process decision (50 roles, 2,000 users)', subject: 'Warden compiled grants (cached)', subjectFigure: warden, baseline: 'Casbin RBAC enforce()', baselineFigure: casbin });
  return rows;
}
