import { createIsolatedEnvironment, IsolatedEnvironment, pollUntil, readAuditStream, ServiceProcess, startWardenStack, WardenStack, freePort } from '@warden/testing';
import fc from 'fast-check';
import { connect, NatsConnection, StringCodec } from 'nats';
import { Client } from 'pg';

const codec = StringCodec();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Reply = any;
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** Envelope encryption, rotation without data loss, destruction, and key safety, against two crypto replicas. */
describe('crypto service over NATS', () => {
  let environment: IsolatedEnvironment;
  let replicas: WardenStack[];
  let nats: NatsConnection;
  let db: Client;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    const env = { ...environment.env, KMS_MASTER_KEY: MASTER_KEY };
    replicas = [await startWardenStack(env, ['crypto'])];
    replicas.push(await startWardenStack(env, ['crypto']));
    nats = await connect({ servers: environment.env['NATS_URL'] });
    db = new Client({ connectionString: environment.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await nats?.close();
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await environment?.dispose();
  });

  const call = async (subject: string, body: unknown): Promise<Reply> =>
    JSON.parse(codec.decode((await nats.request(`${environment.env['NATS_SUBJECT_PREFIX']}${subject}`, codec.encode(JSON.stringify(body)), { timeout: 5_000 })).data));
  const encrypt = (plaintext: string, context = '', encoding = 'utf8') => call('crypto.encrypt', { plaintext, context, encoding });
  const decrypt = (ciphertext: string, context = '', encoding = 'utf8') => call('crypto.decrypt', { ciphertext, context, encoding });
  const activeKeys = async () => (await db.query("SELECT version FROM crypto.data_keys WHERE status = 'active'")).rows.map((r) => r.version);

  it('round-trips a plaintext byte for byte in the versioned text format', async () => {
    const plaintext = `<b>O'Brien</b>; "x" — ünïcødé 🔐`;
    const { ciphertext, keyVersion } = await encrypt(plaintext, 'billing:card');
    expect(ciphertext).toMatch(new RegExp(`^wdn:v1:${keyVersion}:[A-Za-z0-9_-]+$`));
    expect(await decrypt(ciphertext, 'billing:card')).toEqual({ plaintext, keyVersion });
  });

  it('fails with another context, with one message for wrong context and tampering (no oracle)', async () => {
    const { ciphertext } = await encrypt('secret', 'a');
    const wrongContext = await decrypt(ciphertext, 'b');
    // A character in the middle of the sealed bytes (the last one may carry only padding bits).
    const at = ciphertext.lastIndexOf(':') + 20;
    const tampered = await decrypt(ciphertext.slice(0, at) + (ciphertext[at] === 'A' ? 'B' : 'A') + ciphertext.slice(at + 1), 'a');
    expect(wrongContext.error).toMatchObject({ code: 'DECRYPT_FAILED', message: 'decryption failed' });
    expect(tampered.error).toMatchObject({ code: 'DECRYPT_FAILED', message: 'decryption failed' });
  });

  it('answers INVALID_CIPHERTEXT for malformed input and PAYLOAD_TOO_LARGE over 64 KiB', async () => {
    for (const bad of ['', 'hello', 'wdn:v1:1:', 'wdn:v9:1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'wdn:v1:999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      expect((await decrypt(bad)).error.code).toBe('INVALID_CIPHERTEXT');
    }
    expect((await encrypt('x'.repeat(64 * 1024))).error).toBeUndefined();
    expect((await encrypt('x'.repeat(64 * 1024 + 1))).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('emits SECURITY_DECRYPT_FAILED without plaintext or ciphertext', async () => {
    const { ciphertext } = await encrypt('do-not-log-me', 'ctx');
    await decrypt(ciphertext, 'other');
    const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
      timeoutMs: 5_000,
      accept: (all) => all.some((e) => e.action === 'SECURITY_DECRYPT_FAILED' && e.details['reason'] === 'authentication_failed'),
    });
    const text = JSON.stringify(events.filter((e) => e.action === 'SECURITY_DECRYPT_FAILED'));
    expect(text).not.toContain('do-not-log-me');
    expect(text).not.toContain(ciphertext.split(':')[3]!);
  });

  it('decrypt(encrypt(x, c), c) == x for arbitrary bytes and contexts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 40 }), async (bytes, context) => {
        const plaintext = Buffer.from(bytes).toString('base64');
        const { ciphertext } = await encrypt(plaintext, context, 'base64');
        expect((await decrypt(ciphertext, context, 'base64')).plaintext).toBe(plaintext);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps old ciphertexts readable after a rotation; new ones use the new version on every replica within 1 s', async () => {
    const before = await encrypt('before rotation', 'r');
    const rotated = await call('crypto.keys.rotate', { actorId: 'test' });
    expect(rotated).toMatchObject({ rotated: true, activeVersion: before.keyVersion + 1, previousVersion: before.keyVersion });
    const rotatedAt = Date.now();
    await pollUntil(async () => (await Promise.all(Array.from({ length: 20 }, () => encrypt('after', 'r')))).every((e) => e.keyVersion === rotated.activeVersion), {
      timeoutMs: 1_000,
      intervalMs: 10,
    });
    expect(Date.now() - rotatedAt).toBeLessThan(1_000);
    expect(await decrypt(before.ciphertext, 'r')).toEqual({ plaintext: 'before rotation', keyVersion: before.keyVersion });
    expect(await activeKeys()).toEqual([rotated.activeVersion]);
    const rewrapped = await call('crypto.rewrap', { ciphertext: before.ciphertext, context: 'r' });
    expect(rewrapped).toMatchObject({ keyVersion: rotated.activeVersion, previousVersion: before.keyVersion });
    expect((await decrypt(rewrapped.ciphertext, 'r')).plaintext).toBe('before rotation');
  });

  it('two rotations at once for the same period rotate once; any number at once leave exactly one active version', async () => {
    const [{ activeVersion }] = [await call('crypto.keys.active', {})];
    const same = await Promise.all([1, 2].map(() => call('crypto.keys.rotate', { actorId: 'scheduler', expectedActiveVersion: activeVersion })));
    expect(same.filter((r) => r.rotated)).toHaveLength(1);
    expect(await activeKeys()).toEqual([activeVersion + 1]);
    await Promise.all([1, 2, 3].map(() => call('crypto.keys.rotate', { actorId: 'admin' })));
    expect(await activeKeys()).toHaveLength(1);
    await expect(db.query("UPDATE crypto.data_keys SET status = 'active' WHERE status = 'retired'")).rejects.toThrow(/duplicate key/);
  });

  it('destroys only retired versions; their ciphertexts then fail with KEY_DESTROYED, audited', async () => {
    const old = await encrypt('soon unreadable', 'd');
    const { activeVersion } = await call('crypto.keys.rotate', { actorId: 'test' });
    expect((await call('crypto.keys.destroy', { actorId: 'test', version: activeVersion })).error.code).toBe('CONFLICT');
    expect((await call('crypto.keys.destroy', { actorId: 'test', version: 9_999 })).error.code).toBe('NOT_FOUND');
    const destroyed = await call('crypto.keys.destroy', { actorId: 'test', version: old.keyVersion });
    expect(destroyed).toMatchObject({ version: old.keyVersion, status: 'destroyed', destroyedAt: expect.any(String) });
    // Both replicas know at once (broadcast), whichever answers.
    for (let i = 0; i < 10; i++) expect((await decrypt(old.ciphertext, 'd')).error).toMatchObject({ code: 'KEY_DESTROYED' });
    expect((await db.query('SELECT wrapped_key FROM crypto.data_keys WHERE version = $1', [old.keyVersion])).rows[0].wrapped_key).toBeNull();
    const list = await call('crypto.keys.list', {});
    expect(JSON.stringify(list)).not.toMatch(/wrapped|key_material|"key"/);
    const events = await pollUntil(() => readAuditStream(environment.env['NATS_URL']!, environment.env['AUDIT_STREAM']!), {
      timeoutMs: 5_000,
      accept: (all) => all.some((e) => e.action === 'SECURITY_KEY_DESTROYED'),
    });
    expect(events.find((e) => e.action === 'SECURITY_KEY_DESTROYED')).toMatchObject({ actorId: 'test', source: 'crypto', details: { version: old.keyVersion } });
    expect(events.find((e) => e.action === 'SECURITY_KEY_ROTATED' && e.details['activeVersion'] === activeVersion)).toMatchObject({
      details: { retiredVersion: activeVersion - 1 },
    });
  });

  it('refuses to start, with one line, when KMS_MASTER_KEY is not the key that wrapped the stored data keys', async () => {
    const port = await freePort();
    const wrong = ServiceProcess.start('crypto', { ...environment.env, HEALTH_PORT: String(port), KMS_MASTER_KEY: Buffer.alloc(32, 9).toString('base64') });
    const result = await wrong.exited;
    const output = wrong.output.join('');
    expect(result.code).not.toBe(0);
    expect(output).toContain('KMS_MASTER_KEY is not the key that wrapped the stored data keys');
    expect(output).not.toContain(Buffer.alloc(32, 9).toString('base64'));
  });

  it('answers a bare client with typed errors for bad requests', async () => {
    expect((await call('crypto.encrypt', { context: 'x' })).error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await call('crypto.encrypt', { plaintext: 'not base64!', encoding: 'base64' })).error).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
