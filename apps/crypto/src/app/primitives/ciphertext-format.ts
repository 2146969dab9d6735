/**
 * The text-safe, versioned ciphertext format: `wdn:v1:<key version>:<base64url(nonce ‖ ciphertext ‖ tag)>`.
 * `v1` is the format (AES-256-GCM, 96-bit nonce, 128-bit tag, associated data = `wdn:v1:<version>:` +
 * the caller's context); the number after it names the data key that sealed it.
 */
const FORMAT = /^wdn:v1:([1-9]\d{0,8}):([A-Za-z0-9_-]{38,})$/;

export interface ParsedCiphertext {
  keyVersion: number;
  sealed: Buffer;
}

export function formatCiphertext(keyVersion: number, sealed: Buffer): string {
  return `wdn:v1:${keyVersion}:${sealed.toString('base64url')}`;
}

/** Returns null for anything not in the format (the caller answers INVALID_CIPHERTEXT). */
export function parseCiphertext(text: string): ParsedCiphertext | null {
  const match = FORMAT.exec(text);
  if (!match) return null;
  const encoded = match[2]!;
  const sealed = Buffer.from(encoded, 'base64url');
  // base64url decoding is lenient: insist on the canonical encoding (length, and zero trailing bits),
  // re-encoding only the final partial group rather than the whole ciphertext.
  if (encoded.length !== Math.ceil((sealed.length * 4) / 3)) return null;
  const partial = sealed.length % 3;
  if (partial > 0 && sealed.subarray(sealed.length - partial).toString('base64url') !== encoded.slice(-(partial + 1))) return null;
  return { keyVersion: Number(match[1]), sealed };
}

/** Associated data binding a ciphertext to its format, key version and the caller's context. */
export function associatedData(keyVersion: number, context: string): Buffer {
  return Buffer.from(`wdn:v1:${keyVersion}:${context}`, 'utf8');
}
