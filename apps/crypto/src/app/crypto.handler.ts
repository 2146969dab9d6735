import { Controller } from '@nestjs/common';
import { CryptoActiveVersion, CryptoDecrypt, CryptoEncrypt, CryptoKeysDestroy, CryptoKeysList, CryptoKeysRotate, CryptoRewrap, CryptoUsageReport, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { EncryptionService } from './encryption/encryption.service';
import { KeyAdminService } from './keys/key-admin.service';

@Controller()
export class CryptoHandler {
  constructor(
    private readonly encryption: EncryptionService,
    private readonly keys: KeyAdminService,
  ) {}

  @HandleRequest(CryptoEncrypt)
  encrypt(@ContractPayload(CryptoEncrypt) r: ValidRequestOf<typeof CryptoEncrypt>) {
    return this.encryption.encrypt(r.plaintext, r.context, r.encoding);
  }

  @HandleRequest(CryptoDecrypt)
  decrypt(@ContractPayload(CryptoDecrypt) r: ValidRequestOf<typeof CryptoDecrypt>) {
    return this.encryption.decrypt(r.ciphertext, r.context, r.encoding, r.actorId ?? null);
  }

  @HandleRequest(CryptoRewrap)
  rewrap(@ContractPayload(CryptoRewrap) r: ValidRequestOf<typeof CryptoRewrap>) {
    return this.encryption.rewrap(r.ciphertext, r.context, r.actorId ?? null);
  }

  @HandleRequest(CryptoKeysList)
  async list(@ContractPayload(CryptoKeysList) _r: ValidRequestOf<typeof CryptoKeysList>) {
    return { keys: await this.keys.list() };
  }

  @HandleRequest(CryptoActiveVersion)
  active(@ContractPayload(CryptoActiveVersion) _r: ValidRequestOf<typeof CryptoActiveVersion>) {
    return { activeVersion: this.keys.activeVersion };
  }

  @HandleRequest(CryptoKeysRotate)
  rotate(@ContractPayload(CryptoKeysRotate) r: ValidRequestOf<typeof CryptoKeysRotate>) {
    return this.keys.rotate(r.actorId, r.reason, r.expectedActiveVersion);
  }

  @HandleRequest(CryptoKeysDestroy)
  destroy(@ContractPayload(CryptoKeysDestroy) r: ValidRequestOf<typeof CryptoKeysDestroy>) {
    return this.keys.destroy(r.actorId, r.version);
  }

  @HandleRequest(CryptoUsageReport)
  async usage(@ContractPayload(CryptoUsageReport) r: ValidRequestOf<typeof CryptoUsageReport>) {
    await this.keys.reportUsage(r.service, r.counts);
    return { accepted: true as const };
  }
}
