import { CreateKeyTables1764800000000 } from './1764800000000-create-key-tables';

/** Migrations of the crypto schema, oldest first (applied in this order, each once). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const CRYPTO_MIGRATIONS: Function[] = [CreateKeyTables1764800000000];
