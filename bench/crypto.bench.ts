import { createIsolatedEnvironment, pollUntil, startWardenStack } from '@warden/testing';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { open, seal } from '../apps/crypto/src/app/primitives/aes-gcm';
import { associatedData, formatCiphertext, parseCiphertext } from '../apps/crypto/src/app/primitives/ciphertext-format';
import { startNatsEcho } from './lib/baseline-processes';
import { measure, ResultRow } from './lib/measure';

/**
 * Encrypt and decrypt of 1 KiB over NATS next to a bare NATS echo of the same payload; and in-process
 * (format + AES-256-GCM + associated data) next to raw node:crypto AES-256-GCM.
 */
export async function benchCrypto(durationMs: number): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const plaintext = randomBytes(768).toString('base64'); // 1,024 characters
  const environment = await createIsolatedEnvironment();
  const stack = await startWardenStack({ ...environment.env, LOG_LEVEL: 'warn' }, ['crypto']);
  const prefix = environment.env['NATS_SUBJECT_PREFIX']!;
  const nats = await connect({ servers: environment.env['NATS_URL'] });
  const echo = startNatsEcho(environment.env['NATS_URL']!, `${prefix}bench.echo`);
  try {
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const encryptPayload = enc({ plaintext, context: 'bench' });
    const { ciphertext } = JSON.parse(new TextDecoder().decode((await nats.request(`${prefix}crypto.encrypt`, encryptPayload, { timeout: 5_000 })).data));
    const decryptPayload = enc({ ciphertext, context: 'bench' });
    await pollUntil(() => nats.request(`${prefix}bench.echo`, encryptPayload, { timeout: 500 }).then(() => true), { timeoutMs: 5_000 });
    for (const concurrency of [1, 64]) {
      const encrypt = await measure(() => nats.request(`${prefix}crypto.encrypt`, encryptPayload, { timeout: 5_000 }), { concurrency, durationMs });
      const decrypt = await measure(() => nats.request(`${prefix}crypto.decrypt`, decryptPayload, { timeout: 5_000 }), { concurrency, durationMs });
      const bare = await measure(() => nats.request(`${prefix}bench.echo`, encryptPayload, { timeout: 5_000 }), { concurrency, durationMs });
      rows.push({ benchmark: `encrypt 1 KiB over NATS, concurrency ${concurrency}`, subject: 'crypto.encrypt', subjectFigure: encrypt, baseline: 'bare NATS echo of 1 KiB', baselineFigure: bare });
      rows.push({ benchmark: `decrypt 1 KiB over NATS, concurrency ${concurrency}`, subject: 'crypto.decrypt', subjectFigure: decrypt, baseline: 'bare NATS echo of 1 KiB', baselineFigure: bare });
    }
  } finally {
    echo.kill('SIGTERM');
    await nats.close();
    await stack.stop();
    await environment.dispose();
  }

  const key = randomBytes(32);
  const bytes = Buffer.from(plaintext);
  const ours = await measure(async () => formatCiphertext(3, seal(key, bytes, associatedData(3, 'bench'))), { concurrency: 1, durationMs });
  const raw = await measure(async () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    return Buffer.concat([iv, cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
  }, { concurrency: 1, durationMs });
  rows.push({ benchmark: 'in-process encrypt 1 KiB', subject: 'Warden seal + wdn:v1 format', subjectFigure: ours, baseline: 'raw node:crypto AES-256-GCM', baselineFigure: raw });
  const sealedText = formatCiphertext(3, seal(key, bytes, associatedData(3, 'bench')));
  const rawSealed = (() => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    return { iv, body: Buffer.concat([cipher.update(bytes), cipher.final()]), tag: cipher.getAuthTag() };
  })();
  const oursOpen = await measure(async () => {
    const parsed = parseCiphertext(sealedText)!;
    return open(key, parsed.sealed, associatedData(parsed.keyVersion, 'bench'));
  }, { concurrency: 1, durationMs });
  const rawOpen = await measure(async () => {
    const decipher = createDecipheriv('aes-256-gcm', key, rawSealed.iv);
    decipher.setAuthTag(rawSealed.tag);
    return Buffer.concat([decipher.update(rawSealed.body), decipher.final()]);
  }, { concurrency: 1, durationMs });
  rows.push({ benchmark: 'in-process decrypt 1 KiB', subject: 'Warden parse + open', subjectFigure: oursOpen, baseline: 'raw node:crypto AES-256-GCM', baselineFigure: rawOpen });
  return rows;
}
