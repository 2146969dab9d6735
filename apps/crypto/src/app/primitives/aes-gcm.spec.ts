import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { AuthenticationFailed, open, seal } from './aes-gcm';
import { associatedData, formatCiphertext, parseCiphertext } from './ciphertext-format';

const hex = (s: string) => Buffer.from(s, 'hex');

/** AES-256-GCM known answers (the GCM specification's test cases 13–16, also in NIST's CAVP set). */
const VECTORS = [
  { name: 'case 13: empty plaintext', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '', aad: '', ct: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  { name: 'case 14: one zero block', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '00'.repeat(16), aad: '', ct: 'cea7403d4d606b6e074ec5d3baf39d18', tag: 'd0d1c8a799996bf0265b98b5d48ab919' },
  {
    name: 'case 15: four blocks',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    pt: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
    aad: '',
    ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: 'case 16: with associated data',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    pt: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-256-GCM primitive', () => {
  it.each(VECTORS)('matches the known answer: $name', (v) => {
    const sealed = seal(hex(v.key), hex(v.pt), hex(v.aad), hex(v.iv));
    expect(sealed.toString('hex')).toBe(v.iv + v.ct + v.tag);
    expect(open(hex(v.key), sealed, hex(v.aad)).toString('hex')).toBe(v.pt);
  });

  it('uses a fresh 96-bit nonce for every message', () => {
    const key = randomBytes(32);
    const nonces = new Set(Array.from({ length: 1_000 }, () => seal(key, Buffer.from('x'), Buffer.alloc(0)).subarray(0, 12).toString('hex')));
    expect(nonces.size).toBe(1_000);
  });

  it('fails on every single-byte flip of nonce, ciphertext or tag', () => {
    const key = randomBytes(32);
    const aad = associatedData(3, 'auth:discord-token:u1');
    const sealed = seal(key, Buffer.from('<b>O\'Brien</b>; "x"'), aad);
    for (let i = 0; i < sealed.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = Buffer.from(sealed);
        tampered[i]! ^= bit;
        expect(() => open(key, tampered, aad)).toThrow(AuthenticationFailed);
      }
    }
  });

  it('fails with another context or another key version in the associated data', () => {
    const key = randomBytes(32);
    const sealed = seal(key, Buffer.from('secret'), associatedData(1, 'a'));
    expect(() => open(key, sealed, associatedData(1, 'b'))).toThrow(AuthenticationFailed);
    expect(() => open(key, sealed, associatedData(2, 'a'))).toThrow(AuthenticationFailed);
    expect(() => open(key, sealed.subarray(0, 20), associatedData(1, 'a'))).toThrow(AuthenticationFailed);
  });

  it('decrypt(encrypt(x, c), c) == x for arbitrary bytes and contexts', () => {
    const key = randomBytes(32);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_048 }), fc.string({ maxLength: 64 }), fc.integer({ min: 1, max: 10_000 }), (bytes, context, version) => {
        const text = formatCiphertext(version, seal(key, Buffer.from(bytes), associatedData(version, context)));
        const parsed = parseCiphertext(text)!;
        expect(parsed.keyVersion).toBe(version);
        expect(open(key, parsed.sealed, associatedData(version, context)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the ciphertext format', () => {
  const sealed = Buffer.alloc(28, 1);

  it('is wdn:v1:<version>:<base64url>', () => {
    expect(formatCiphertext(7, sealed)).toBe(`wdn:v1:7:${sealed.toString('base64url')}`);
  });

  it.each(['', 'wdn:v1:7', 'wdn:v2:7:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'wdn:v1:0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'wdn:v1:07:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'wdn:v1:7:short', 'wdn:v1:7:AAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `wdn:v1:7:${sealed.toString('base64url')} `, 'WDN:V1:7:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'])(
    'refuses %p',
    (text) => {
      expect(parseCiphertext(text)).toBeNull();
    },
  );
});

describe('canonical base64url in the format', () => {
  it('accepts exactly the encodings it writes, for every length, and refuses a changed trailing bit', () => {
    for (let length = 28; length < 40; length++) {
      const sealed = randomBytes(length);
      const text = formatCiphertext(1, sealed);
      expect(parseCiphertext(text)?.sealed.equals(sealed)).toBe(true);
      if (length % 3 !== 0) {
        const last = text.slice(-1);
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
        // Flipping the lowest bit of the last character touches only padding bits: not canonical.
        expect(parseCiphertext(text.slice(0, -1) + sibling)).toBeNull();
      }
    }
  });
});
