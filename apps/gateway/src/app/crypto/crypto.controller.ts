import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CryptoDecrypt, CryptoEncrypt, CryptoKeysDestroy, CryptoKeysList, CryptoKeysRotate, CryptoRewrap } from '@warden/contracts';
import { RequestScope } from '@warden/messaging';
import { z } from 'zod';
import { RequestScopeParam } from '../upstream/request-scope';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { ValidatedSession } from '../auth/session-authenticator.service';
import { CurrentSession } from '../auth/session.guard';
import { RequirePermission } from '../authz/permission.guard';
import { SanitizePolicy } from '../edge/input-sanitizer';
import { ValidBody } from '../validation/valid-input.decorators';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';

// Plaintext and ciphertext are opaque: validated for shape only, never escaped or altered.
const Context = z.string().max(256).optional();
const Encoding = z.enum(['utf8', 'base64']).optional();
const EncryptBody = z.object({ plaintext: z.string(), context: Context, encoding: Encoding }).strict();
const DecryptBody = z.object({ ciphertext: z.string().max(300_000), context: Context, encoding: Encoding }).strict();
const RewrapBody = z.object({ ciphertext: z.string().max(300_000), context: Context }).strict();
const VersionParam = new ZodValidationPipe(z.string().regex(/^[1-9]\d{0,8}$/, { error: 'must be a key version number' }).transform(Number));

/** Envelope encryption and key versions (never key material), as DESIGN.md lists them. */
@Controller('crypto')
@SanitizePolicy('none')
export class CryptoController {
  constructor(private readonly rpc: ScopedRpcClient) {}

  @Post('encrypt')
  @HttpCode(200)
  @RequirePermission('crypto', 'encrypt')
  encrypt(@RequestScopeParam() scope: RequestScope, @ValidBody(EncryptBody) body: z.output<typeof EncryptBody>) {
    return this.rpc.request(scope, CryptoEncrypt, body);
  }

  @Post('decrypt')
  @HttpCode(200)
  @RequirePermission('crypto', 'decrypt')
  decrypt(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @ValidBody(DecryptBody) body: z.output<typeof DecryptBody>) {
    return this.rpc.request(scope, CryptoDecrypt, { ...body, actorId: session.userId });
  }

  @Post('rewrap')
  @HttpCode(200)
  @RequirePermission('crypto', 'encrypt')
  rewrap(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @ValidBody(RewrapBody) body: z.output<typeof RewrapBody>) {
    return this.rpc.request(scope, CryptoRewrap, { ...body, actorId: session.userId });
  }

  @Get('keys')
  @RequirePermission('keys', 'read')
  keys(@RequestScopeParam() scope: RequestScope) {
    return this.rpc.request(scope, CryptoKeysList, {});
  }

  @Post('keys/rotate')
  @HttpCode(200)
  @RequirePermission('keys', 'manage')
  rotate(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession) {
    return this.rpc.request(scope, CryptoKeysRotate, { actorId: session.userId, reason: 'manual' });
  }

  /** Destruction is its own explicit call, allowed only for a retired version. */
  @Delete('keys/:version')
  @RequirePermission('keys', 'manage')
  destroy(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('version', VersionParam) version: number) {
    return this.rpc.request(scope, CryptoKeysDestroy, { actorId: session.userId, version });
  }
}
