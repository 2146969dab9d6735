import { FakeDiscordServer, STAND_IN_DISCORD_IDS } from '@warden/discord-stand-in';
import { IsolatedEnvironment, loginThroughGateway, pollUntil, readJson, StackWithDiscord, startStackWithDiscord } from '@warden/testing';
import { Client } from 'pg';

const ADMIN = STAND_IN_DISCORD_IDS.ada;
const USER = STAND_IN_DISCORD_IDS.nelly;

/** Encryption through the gateway, and the data Warden itself protects: Discord tokens, rewrapped after rotation. */
describe('crypto through the gateway, and Discord tokens at rest', () => {
  let system: StackWithDiscord;
  let environment: IsolatedEnvironment;
  let discord: FakeDiscordServer;
  let gateway: string;
  let db: Client;
  let admin: { token: string; user: { id: string } };
  let user: { token: string; user: { id: string } };

  beforeAll(async () => {
    system = await startStackWithDiscord({ BOOTSTRAP_ADMIN_DISCORD_IDS: ADMIN });
    ({ environment, discord, gateway } = system);
    admin = await loginThroughGateway(gateway, discord, ADMIN);
    user = await loginThroughGateway(gateway, discord, USER);
    db = new Client({ connectionString: environment.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await system?.dispose();
  });

  const post = (who: { token: string }, path: string, body: unknown) =>
    fetch(`${gateway}${path}`, { method: 'POST', headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (who: { token: string }, path: string) => fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${who.token}` } });

  it('encrypts and decrypts byte for byte; the sanitizer never touches plaintext or ciphertext', async () => {
    const plaintext = `<b>O'Brien</b>; "x"`;
    const encrypted = await readJson(await post(admin, '/crypto/encrypt', { plaintext, context: 'notes:1' }));
    expect(encrypted.ciphertext).toMatch(/^wdn:v1:1:/);
    const decrypted = await post(admin, '/crypto/decrypt', { ciphertext: encrypted.ciphertext, context: 'notes:1' });
    expect(decrypted.status).toBe(200);
    expect((await readJson(decrypted)).plaintext).toBe(plaintext);
  });

  it('guards encrypt/decrypt/keys with crypto:* and keys:* permissions', async () => {
    expect((await post(user, '/crypto/encrypt', { plaintext: 'x' })).status).toBe(403);
    expect((await post(user, '/crypto/decrypt', { ciphertext: 'x' })).status).toBe(403);
    expect((await get(user, '/crypto/keys')).status).toBe(403);
    expect((await post(user, '/crypto/keys/rotate', {})).status).toBe(403);
  });

  it('answers 400 INVALID_CIPHERTEXT, 400 DECRYPT_FAILED and 413 in the error shape', async () => {
    expect((await readJson(await post(admin, '/crypto/decrypt', { ciphertext: 'garbage' }))).error.code).toBe('INVALID_CIPHERTEXT');
    const { ciphertext } = await readJson(await post(admin, '/crypto/encrypt', { plaintext: 'x', context: 'a' }));
    const wrong = await post(admin, '/crypto/decrypt', { ciphertext, context: 'b' });
    expect(wrong.status).toBe(400);
    expect((await readJson(wrong)).error.code).toBe('DECRYPT_FAILED');
    const big = await post(admin, '/crypto/encrypt', { plaintext: 'x'.repeat(64 * 1024 + 1) });
    expect(big.status).toBe(413);
  });

  it('stores Discord tokens only encrypted, bound to the user', async () => {
    const { rows } = await db.query('SELECT user_id, access_token_ciphertext, refresh_token_ciphertext, key_version FROM auth.discord_tokens ORDER BY user_id');
    expect(rows.map((r) => r.user_id).sort()).toEqual([admin.user.id, user.user.id].sort());
    for (const row of rows) {
      expect(row.access_token_ciphertext).toMatch(/^wdn:v1:1:/);
      expect(row.refresh_token_ciphertext).toMatch(/^wdn:v1:1:/);
    }
    const { rows: tables } = await db.query("SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')");
    for (const token of discord.issuedTokens()) {
      for (const { table_schema: schema, table_name: table } of tables) {
        const { rows: hits } = await db.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}" t WHERE t::text LIKE '%' || $1 || '%'`, [token]);
        expect(hits[0].n).toBe(0);
      }
    }
    // Under another user's context the ciphertext is useless.
    const stolen = await post(admin, '/crypto/decrypt', { ciphertext: rows[0].access_token_ciphertext, context: `auth:discord-token:${rows[1].user_id}` });
    expect((await readJson(stolen)).error.code).toBe('DECRYPT_FAILED');
  });

  it('after a rotation, rewraps every stored token to the new version; the old key then has no dependents and can be destroyed', async () => {
    const old = await readJson(await post(admin, '/crypto/encrypt', { plaintext: 'kept by a client', context: 'c' }));
    const rotated = await readJson(await post(admin, '/crypto/keys/rotate', {}));
    expect(rotated).toMatchObject({ rotated: true, activeVersion: 2, previousVersion: 1 });
    await pollUntil(async () => (await db.query('SELECT DISTINCT key_version FROM auth.discord_tokens')).rows.map((r) => r.key_version), {
      timeoutMs: 10_000,
      accept: (versions) => versions.length === 1 && versions[0] === 2,
      description: 'the rewrap pass',
    });
    const keys = await pollUntil(async () => (await readJson(await get(admin, '/crypto/keys'))).keys, {
      timeoutMs: 10_000,
      accept: (list: Array<{ version: number; dependents: Record<string, number> }>) => list.find((k) => k.version === 2)?.dependents['auth'] === 4,
    });
    expect(keys).toEqual([
      expect.objectContaining({ version: 1, status: 'retired', dependents: {}, safeToDestroy: true }),
      expect.objectContaining({ version: 2, status: 'active', dependents: { auth: 4 }, safeToDestroy: false }),
    ]);
    expect((await readJson(await post(admin, '/crypto/decrypt', { ciphertext: old.ciphertext, context: 'c' }))).plaintext).toBe('kept by a client');

    const destroyed = await fetch(`${gateway}/crypto/keys/1`, { method: 'DELETE', headers: { authorization: `Bearer ${admin.token}` } });
    expect(destroyed.status).toBe(200);
    const gone = await post(admin, '/crypto/decrypt', { ciphertext: old.ciphertext, context: 'c' });
    expect(gone.status).toBe(410);
    expect((await readJson(gone)).error.code).toBe('KEY_DESTROYED');
    // The rewrapped Discord tokens are unaffected.
    const { rows } = await db.query('SELECT access_token_ciphertext FROM auth.discord_tokens WHERE user_id = $1', [admin.user.id]);
    const stillReadable = await post(admin, '/crypto/decrypt', { ciphertext: rows[0].access_token_ciphertext, context: `auth:discord-token:${admin.user.id}` });
    expect(stillReadable.status).toBe(200);
  });
});
