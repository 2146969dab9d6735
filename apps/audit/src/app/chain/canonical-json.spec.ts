import { canonicalJson } from './canonical-json';
import { chainHash, GENESIS_HASH } from './chain-hash';

describe('canonical JSON and the chain hash', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('hashes the same event the same way whatever the key order, and differently for any change', () => {
    const event = { seq: 1, id: 'e', action: 'SECURITY_LOGOUT', actorId: 'u', details: { a: 1, b: 2 }, occurredAt: '2026-01-01T00:00:00.000Z', source: 'auth', requestId: null, ip: null };
    const same = chainHash(GENESIS_HASH, { ...event, details: { b: 2, a: 1 } });
    expect(chainHash(GENESIS_HASH, event).equals(same)).toBe(true);
    expect(chainHash(GENESIS_HASH, { ...event, seq: 2 }).equals(same)).toBe(false);
    expect(chainHash(GENESIS_HASH, { ...event, details: { a: 1, b: 3 } }).equals(same)).toBe(false);
    expect(chainHash(Buffer.alloc(32, 1), event).equals(same)).toBe(false);
  });
});
