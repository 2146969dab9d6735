import { Injectable } from '@nestjs/common';
import { AuditClient } from '@warden/audit-client';
import { ErrorCode, MAX_PLAINTEXT_BYTES } from '@warden/contracts';
import { rpcError } from '@warden/messaging';
import { AuthenticationFailed, open, seal } from '../primitives/aes-gcm';
import { associatedData, formatCiphertext, parseCiphertext } from '../primitives/ciphertext-format';
import { KeyRing } from '../keys/key-ring.service';

type Encoding = 'utf8' | 'base64';
// ignoreBOM: true keeps a leading U+FEFF in the plaintext instead of silently dropping it.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The seed's EncryptionService: AES-256-GCM under the active data key, the caller's context as associated data. */
@Injectable()
export class EncryptionService {
  constructor(
    private readonly ring: KeyRing,
    private readonly audit: AuditClient,
  ) {}

  encrypt(plaintext: string, context: string, encoding: Encoding): { ciphertext: string; keyVersion: number } {
    const bytes = decodePlaintext(plaintext, encoding);
    if (bytes.length > MAX_PLAINTEXT_BYTES) throw rpcError(ErrorCode.PAYLOAD_TOO_LARGE, `plaintext is larger than ${MAX_PLAINTEXT_BYTES} bytes`);
    const { version, key } = this.ring.activeKey();
    return { ciphertext: formatCiphertext(version, seal(key, bytes, associatedData(version, context))), keyVersion: version };
  }

  async decrypt(ciphertext: string, context: string, encoding: Encoding, actorId: string | null = null): Promise<{ plaintext: string; keyVersion: number }> {
    const { bytes, keyVersion } = await this.open(ciphertext, context, actorId);
    if (encoding === 'base64') return { plaintext: bytes.toString('base64'), keyVersion };
    try {
      return { plaintext: STRICT_UTF8.decode(bytes), keyVersion };
    } catch {
      throw rpcError(ErrorCode.BAD_REQUEST, 'plaintext is not UTF-8; ask for encoding "base64"');
    }
  }

  /** Re-encrypts under the active version without the plaintext leaving this process. */
  async rewrap(ciphertext: string, context: string, actorId: string | null = null): Promise<{ ciphertext: string; keyVersion: number; previousVersion: number }> {
    const { bytes, keyVersion: previousVersion } = await this.open(ciphertext, context, actorId);
    const { version, key } = this.ring.activeKey();
    const rewrapped = formatCiphertext(version, seal(key, bytes, associatedData(version, context)));
    bytes.fill(0);
    return { ciphertext: rewrapped, keyVersion: version, previousVersion };
  }

  private async open(ciphertext: string, context: string, actorId: string | null): Promise<{ bytes: Buffer; keyVersion: number }> {
    const parsed = parseCiphertext(ciphertext);
    if (!parsed) throw await this.failure(ErrorCode.INVALID_CIPHERTEXT, 'malformed ciphertext', 'malformed', null, context, actorId);
    const lookup = await this.ring.lookup(parsed.keyVersion);
    if (lookup.kind === 'destroyed') throw await this.failure(ErrorCode.KEY_DESTROYED, `key version ${parsed.keyVersion} was destroyed`, 'key_destroyed', parsed.keyVersion, context, actorId);
    if (lookup.kind === 'unknown') throw await this.failure(ErrorCode.INVALID_CIPHERTEXT, 'malformed ciphertext', 'unknown_key_version', parsed.keyVersion, context, actorId);
    try {
      return { bytes: open(lookup.key, parsed.sealed, associatedData(parsed.keyVersion, context)), keyVersion: parsed.keyVersion };
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) throw error;
      // One message for a wrong context and a tampered ciphertext: no oracle telling which.
      throw await this.failure(ErrorCode.DECRYPT_FAILED, 'decryption failed', 'authentication_failed', parsed.keyVersion, context, actorId);
    }
  }

  /** `actorId`: who asked (the gateway passes the session's user), so the security scan can count failures per actor. */
  private async failure(code: ErrorCode, message: string, reason: string, keyVersion: number | null, context: string, actorId: string | null) {
    // Neither plaintext nor ciphertext goes into the event; the context's length says enough to correlate.
    await this.audit.logSecurityEvent('DECRYPT_FAILED', actorId, { reason, keyVersion, contextLength: context.length });
    return rpcError(code, message);
  }
}

function decodePlaintext(plaintext: string, encoding: Encoding): Buffer {
  if (encoding === 'utf8') {
    // A lone surrogate has no UTF-8 form: encoding it would silently change the text.
    if (LONE_SURROGATE.test(plaintext)) throw rpcError(ErrorCode.BAD_REQUEST, 'plaintext is not well-formed Unicode; send bytes with encoding "base64"');
    return Buffer.from(plaintext, 'utf8');
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(plaintext) || plaintext.length % 4 !== 0) throw rpcError(ErrorCode.BAD_REQUEST, 'plaintext is not valid base64');
  return Buffer.from(plaintext, 'base64');
}
