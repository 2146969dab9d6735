import { createIsolatedEnvironment, IsolatedEnvironment, pollUntil, readAuditStream, startWardenStack, WardenStack } from '@warden/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { connect, NatsConnection, StringCodec } from 'nats';
import { Client } from 'pg';

const codec = StringCodec();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = any;

/** The seed's check_permission and the admin operations, over NATS, against two authz replicas. */
describe('authorization service over NATS', () => {
  let environment: IsolatedEnvironment;
  let replicas: WardenStack[];
  let nats: NatsConnection;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    replicas = await Promise.all([startWardenStack(environment.env, ['authz']), startWardenStack(environment.env, ['authz'])]);
    nats = await connect({ servers: environment.env['NATS_URL'] });
  });

  afterAll(async () => {
    await nats?.close();
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await environment?.dispose();
  });

  async function raw(subject: string, body: string): Promise<Reply> {
    const reply = await nats.request(`${environment.env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(body), { timeout: 5_000 });
    return JSON.parse(codec.decode(reply.data));
  }
  const call = (subject: string, body: unknown) => raw(subject, JSON.stringify(body));
  const actorId = 'test-admin';
  const check = (userId: string, resource: string, action: string) => call('authz.check', { userId, resource, action });
  const newRole = async (name = `r-${randomUUID().slice(0, 8)}`) => {
    expect((await call('authz.roles.create', { actorId, name })).name).toBe(name);
    return name;
  };
  const grant = (name: string, resource: string, action: string) => call('authz.roles.grant', { actorId, name, resource, action });
  const assign = (userId: string, name: string) => call('authz.roles.assign', { actorId, userId, name });

  describe('the seed semantics', () => {
    it('allows exactly the granted (resource, action) and names the role that granted it', async () => {
      const user = randomUUID();
      const reader = await newRole();
      await grant(reader, 'audit', 'read');
      await assign(user, reader);
      expect(await check(user, 'audit', 'read')).toEqual({ allowed: true, matchedRole: reader });
      expect(await check(user, 'audit', 'write')).toEqual({ allowed: false, matchedRole: null });
      expect(await check(user, 'audits', 'read')).toEqual({ allowed: false, matchedRole: null });
    });

    it('is false for an unknown user', async () => {
      expect(await check(randomUUID(), 'audit', 'read')).toEqual({ allowed: false, matchedRole: null });
    });

    it('is true when any one of the user’s roles holds the permission', async () => {
      const user = randomUUID();
      const [a, b] = [await newRole(), await newRole()];
      await grant(b, 'keys', 'rotate');
      await assign(user, a);
      await assign(user, b);
      expect(await check(user, 'keys', 'rotate')).toEqual({ allowed: true, matchedRole: b });
    });

    it('treats * in a grant as an explicit wildcard, and prefers an exact grant when naming the role', async () => {
      const user = randomUUID();
      const [anyAction, anyResource, exact] = [await newRole('w-any-action'), await newRole('w-any-resource'), await newRole('z-exact')];
      await grant(anyAction, 'audit', '*');
      await grant(anyResource, '*', 'read');
      await grant(exact, 'audit', 'read');
      for (const role of [anyAction, anyResource, exact]) await assign(user, role);
      expect(await check(user, 'audit', 'read')).toEqual({ allowed: true, matchedRole: exact });
      expect(await check(user, 'audit', 'delete')).toEqual({ allowed: true, matchedRole: anyAction });
      expect(await check(user, 'keys', 'read')).toEqual({ allowed: true, matchedRole: anyResource });
      expect(await check(user, 'keys', 'delete')).toEqual({ allowed: false, matchedRole: null });
    });

    it('gives the seeded admin role */* and the user role nothing', async () => {
      const admin = randomUUID();
      const plain = randomUUID();
      await call('authz.users.provision', { userId: admin, roles: ['admin', 'user'], reason: 'bootstrap_admin' });
      await call('authz.users.provision', { userId: plain, roles: ['user'], reason: 'first_login' });
      expect(await check(admin, 'anything', 'at-all')).toEqual({ allowed: true, matchedRole: 'admin' });
      expect(await check(plain, 'audit', 'read')).toEqual({ allowed: false, matchedRole: null });
      expect(await call('authz.users.roles', { userId: admin })).toEqual({ roles: ['admin', 'user'] });
    });
  });

  describe('authz.check.batch', () => {
    it('answers in the order asked', async () => {
      const user = randomUUID();
      const role = await newRole();
      await grant(role, 'b', 'y');
      await assign(user, role);
      const checks = [
        { resource: 'a', action: 'x' },
        { resource: 'b', action: 'y' },
        { resource: 'b', action: 'x' },
        { resource: 'b', action: 'y' },
      ];
      expect((await call('authz.check.batch', { userId: user, checks })).results.map((r: Reply) => r.allowed)).toEqual([false, true, false, true]);
    });

    it.each([
      ['no checks', []],
      ['101 checks', Array.from({ length: 101 }, () => ({ resource: 'a', action: 'b' }))],
    ])('refuses %s with BAD_REQUEST', async (_name, checks) => {
      expect((await call('authz.check.batch', { userId: randomUUID(), checks })).error.code).toBe('BAD_REQUEST');
    });
  });

  describe('a bare NATS client', () => {
    it.each([
      ['a missing field', '{"userId":"6f1c2c1e-2d2a-4f5e-9a57-3a0d3c1b2a10","resource":"audit"}', /action/],
      ['a wrong type', '{"userId":42,"resource":"audit","action":"read"}', /userId/],
      ['an unknown field', `{"userId":"${randomUUID()}","resource":"a","action":"b","admin":true}`, /admin/],
      ['a * in a check (not a wildcard there)', `{"userId":"${randomUUID()}","resource":"*","action":"*"}`, /resource/],
    ])('gets a typed BAD_REQUEST for %s, listing the field', async (_name, body, field) => {
      const reply = await raw('authz.check', body);
      expect(reply.error).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
      expect(reply.error.fields.join(' ')).toMatch(field);
    });

    it('gets a typed BAD_REQUEST for malformed JSON', async () => {
      expect((await raw('authz.check', '{"userId":')).error).toMatchObject({ code: 'BAD_REQUEST', message: 'request body is not valid JSON' });
    });
  });

  describe('administration', () => {
    it('refuses duplicates (409), unknown roles (404) and invalid names (400)', async () => {
      const role = await newRole();
      expect((await call('authz.roles.create', { actorId, name: role })).error.code).toBe('CONFLICT');
      expect((await grant('no-such-role', 'a', 'b')).error.code).toBe('NOT_FOUND');
      expect((await call('authz.roles.delete', { actorId, name: 'no-such-role' })).error.code).toBe('NOT_FOUND');
      const invalid = await call('authz.roles.create', { actorId, name: 'Bad Name!', description: 'x'.repeat(501) });
      expect(invalid.error.code).toBe('BAD_REQUEST');
      expect(invalid.error.fields).toEqual([expect.stringMatching(/^name/), expect.stringMatching(/^description/)]);
    });

    it('removes a deleted role’s assignments', async () => {
      const user = randomUUID();
      const role = await newRole();
      await grant(role, 'x', 'y');
      await assign(user, role);
      expect((await check(user, 'x', 'y')).allowed).toBe(true);
      expect(await call('authz.roles.delete', { actorId, name: role })).toEqual({ deleted: true, unassignedUsers: 1 });
      expect(await call('authz.users.roles', { userId: user })).toEqual({ roles: [] });
      expect((await check(user, 'x', 'y')).allowed).toBe(false);
    });

    it('protects against lock-out: admin keeps */*, cannot be deleted, and the last admin keeps the role', async () => {
      expect((await call('authz.roles.revoke', { actorId, name: 'admin', resource: '*', action: '*' })).error.code).toBe('CONFLICT');
      expect((await call('authz.roles.delete', { actorId, name: 'admin' })).error.code).toBe('CONFLICT');
      const { roles } = await call('authz.roles.list', {});
      const admin = roles.find((r: Reply) => r.name === 'admin');
      const [first, second] = [randomUUID(), randomUUID()];
      await assign(first, 'admin');
      await assign(second, 'admin');
      // Leave exactly these two admins.
      for (const holder of await adminHolders()) {
        if (holder !== first && holder !== second) expect((await call('authz.roles.unassign', { actorId, userId: holder, name: 'admin' })).error).toBeUndefined();
      }
      const both = await Promise.all([
        call('authz.roles.unassign', { actorId, userId: first, name: 'admin' }),
        call('authz.roles.unassign', { actorId, userId: second, name: 'admin' }),
      ]);
      expect(both.filter((r) => r.error?.code === 'CONFLICT')).toHaveLength(1);
      expect(both.filter((r) => !r.error)).toHaveLength(1);
      expect(await adminHolders()).toHaveLength(1);
      expect(admin.permissions).toEqual([{ resource: '*', action: '*' }]);
    });

    async function adminHolders(): Promise<string[]> {
      const db = new Client({ connectionString: environment.env['DATABASE_URL'] });
      await db.connect();
      try {
        return (await db.query("SELECT user_id FROM authz.user_roles WHERE role_name = 'admin'")).rows.map((r) => r.user_id);
      } finally {
        await db.end();
      }
    }

    it('keeps both of two permissions granted at the same moment', async () => {
      const [a, b] = [await newRole(), await newRole()];
      await Promise.all([grant(a, 'one', 'x'), grant(b, 'two', 'y'), grant(a, 'three', 'z')]);
      const { roles } = await call('authz.roles.list', {});
      expect(roles.find((r: Reply) => r.name === a).permissions).toEqual([
        { resource: 'one', action: 'x' },
        { resource: 'three', action: 'z' },
      ]);
      expect(roles.find((r: Reply) => r.name === b).permissions).toEqual([{ resource: 'two', action: 'y' }]);
    });

    it('audits every change with actor, target, before and after', async () => {
      const user = randomUUID();
      const role = await newRole();
      await grant(role, 'audit', 'read');
      await assign(user, role);
      await call('authz.roles.revoke', { actorId, name: role, resource: 'audit', action: 'read' });
      await call('authz.roles.unassign', { actorId, userId: user, name: role });
      await call('authz.roles.delete', { actorId, name: role });
      const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
        timeoutMs: 5_000,
        accept: (all) => all.some((e) => e.action === 'SECURITY_ROLE_DELETED' && e.details['role'] === role),
      });
      const mine = events.filter((e) => e.details['role'] === role);
      expect(mine.map((e) => e.action)).toEqual([
        'SECURITY_ROLE_CREATED',
        'SECURITY_PERMISSION_GRANTED',
        'SECURITY_ROLE_ASSIGNED',
        'SECURITY_PERMISSION_REVOKED',
        'SECURITY_ROLE_UNASSIGNED',
        'SECURITY_ROLE_DELETED',
      ]);
      expect(mine.every((e) => e.actorId === actorId && 'before' in e.details && 'after' in e.details)).toBe(true);
      expect(mine.find((e) => e.action === 'SECURITY_PERMISSION_GRANTED')!.details).toMatchObject({ before: [], after: [{ resource: 'audit', action: 'read' }] });
    });
  });

  it('with two replicas, a revoked permission is denied everywhere within 100 ms', async () => {
    const user = randomUUID();
    const role = await newRole();
    await grant(role, 'audit', 'read');
    await assign(user, role);
    // Warm both replicas' caches (the queue group spreads requests over them).
    for (let i = 0; i < 40; i++) expect((await check(user, 'audit', 'read')).allowed).toBe(true);
    await call('authz.roles.revoke', { actorId, name: role, resource: 'audit', action: 'read' });
    const revokedAt = Date.now();
    await pollUntil(
      async () => {
        const answers = await Promise.all(Array.from({ length: 20 }, () => check(user, 'audit', 'read')));
        return answers.every((a) => a.allowed === false);
      },
      { timeoutMs: 2_000, intervalMs: 1 },
    );
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(100);
  });

  it('agrees with a simple reference model after random grants, revokes, assignments and removals', async () => {
    const resources = ['audit', 'keys', '*'];
    const actions = ['read', 'write', '*'];
    const command = fc.oneof(
      fc.record({ kind: fc.constant('grant' as const), role: fc.nat(2), resource: fc.constantFrom(...resources), action: fc.constantFrom(...actions) }),
      fc.record({ kind: fc.constant('revoke' as const), role: fc.nat(2), resource: fc.constantFrom(...resources), action: fc.constantFrom(...actions) }),
      fc.record({ kind: fc.constant('assign' as const), role: fc.nat(2), user: fc.nat(2) }),
      fc.record({ kind: fc.constant('unassign' as const), role: fc.nat(2), user: fc.nat(2) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 12 }), async (commands) => {
        const roles = await Promise.all([0, 1, 2].map(() => newRole()));
        const users = [randomUUID(), randomUUID(), randomUUID()];
        const grants = new Map<string, Set<string>>(roles.map((r) => [r, new Set()]));
        const holders = new Map<string, Set<string>>(users.map((u) => [u, new Set()]));
        for (const c of commands) {
          const role = roles[c.role]!;
          if (c.kind === 'grant') {
            await grant(role, c.resource, c.action);
            grants.get(role)!.add(`${c.resource}:${c.action}`);
          } else if (c.kind === 'revoke') {
            await call('authz.roles.revoke', { actorId, name: role, resource: c.resource, action: c.action });
            grants.get(role)!.delete(`${c.resource}:${c.action}`);
          } else if (c.kind === 'assign') {
            await assign(users[c.user]!, role);
            holders.get(users[c.user]!)!.add(role);
          } else {
            await call('authz.roles.unassign', { actorId, userId: users[c.user]!, name: role });
            holders.get(users[c.user]!)!.delete(role);
          }
        }
        for (const user of users) {
          for (const resource of ['audit', 'keys', 'other']) {
            for (const action of ['read', 'write', 'other']) {
              const expected = [...holders.get(user)!].some((role) =>
                [`${resource}:${action}`, `${resource}:*`, `*:${action}`, '*:*'].some((p) => grants.get(role)!.has(p)),
              );
              expect((await check(user, resource, action)).allowed).toBe(expected);
            }
          }
        }
      }),
      { numRuns: 15 },
    );
  });
});
