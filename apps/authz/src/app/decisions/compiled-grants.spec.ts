import { CompiledGrants } from './compiled-grants';
import { PermissionCache } from './permission-cache';

describe('CompiledGrants.decide', () => {
  const grants = new CompiledGrants(
    [
      { role: 'reader', resource: 'audit', action: 'read' },
      { role: 'auditor', resource: 'audit', action: '*' },
      { role: 'viewer', resource: '*', action: 'read' },
      { role: 'b-exact', resource: 'keys', action: 'rotate' },
      { role: 'a-exact', resource: 'keys', action: 'rotate' },
    ],
    ['reader', 'auditor', 'viewer', 'b-exact', 'a-exact', 'user'],
  );

  it('allows exact grants and names the role', () => {
    expect(grants.decide('audit', 'read')).toEqual({ allowed: true, matchedRole: 'reader' });
  });

  it('prefers the alphabetically first of several roles granting the same pair', () => {
    expect(grants.decide('keys', 'rotate')).toEqual({ allowed: true, matchedRole: 'a-exact' });
  });

  it('falls back to resource:*, then *:action, then *:*', () => {
    expect(grants.decide('audit', 'delete')).toEqual({ allowed: true, matchedRole: 'auditor' });
    expect(grants.decide('scans', 'read')).toEqual({ allowed: true, matchedRole: 'viewer' });
    expect(new CompiledGrants([{ role: 'admin', resource: '*', action: '*' }], ['admin']).decide('x', 'y')).toEqual({ allowed: true, matchedRole: 'admin' });
  });

  it('denies what no role grants, and everything for a user without grants', () => {
    expect(grants.decide('scans', 'run')).toEqual({ allowed: false, matchedRole: null });
    expect(new CompiledGrants([], []).decide('audit', 'read')).toEqual({ allowed: false, matchedRole: null });
  });

  it('keeps the role list, roles without permissions included, sorted', () => {
    expect(grants.roles).toEqual(['a-exact', 'auditor', 'b-exact', 'reader', 'user', 'viewer']);
  });
});

describe('PermissionCache', () => {
  const grantsFor = (role: string) => new CompiledGrants([{ role, resource: 'r', action: 'a' }], [role]);

  it('shares one load between concurrent misses', async () => {
    const cache = new PermissionCache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      return grantsFor('x');
    };
    await Promise.all([cache.get('u', load), cache.get('u', load), cache.get('u', load)]);
    expect(loads).toBe(1);
    await cache.get('u', load);
    expect(loads).toBe(1);
  });

  it('never caches a load that raced an invalidation', async () => {
    const cache = new PermissionCache();
    let release!: (g: CompiledGrants) => void;
    const slow = cache.get('u', () => new Promise((resolve) => (release = resolve)));
    cache.invalidate(['u']);
    release(grantsFor('stale'));
    expect((await slow).roles).toEqual(['stale']);
    // The stale result was not kept: the next get loads again.
    expect((await cache.get('u', async () => grantsFor('fresh'))).roles).toEqual(['fresh']);
  });

  it('drops everything on invalidateAll', async () => {
    const cache = new PermissionCache();
    await cache.get('u1', async () => grantsFor('a'));
    await cache.get('u2', async () => grantsFor('b'));
    cache.invalidateAll();
    expect(cache.size).toBe(0);
  });
});
