import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, CryptoConfig } from '@warden/config';
import { ServiceHostModule } from '@warden/service-host';
import { CRYPTO_MIGRATIONS } from '../migrations';
import { CryptoHandler } from './crypto.handler';
import { EncryptionService } from './encryption/encryption.service';
import { DataKeyRepository } from './keys/data-key.repository';
import { KeyAdminService } from './keys/key-admin.service';
import { KeyRing } from './keys/key-ring.service';

/** Tables and migrations of the crypto schema. */
export const cryptoDatabase = { entities: [], migrations: CRYPTO_MIGRATIONS };

@Module({})
export class CryptoAppModule {
  static register(config: CryptoConfig, appConfig: AppConfig): DynamicModule {
    return {
      module: CryptoAppModule,
      imports: [ServiceHostModule.forService({ service: 'crypto', config, appConfig, database: cryptoDatabase })],
      controllers: [CryptoHandler],
      providers: [DataKeyRepository, KeyRing, KeyAdminService, EncryptionService],
    };
  }
}
