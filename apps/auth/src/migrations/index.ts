import { CreateAuthTables1764800000000 } from './1764800000000-create-auth-tables';
import { CreateDiscordTokens1764900000000 } from './1764900000000-create-discord-tokens';

/** Migrations of the auth schema, oldest first (applied in this order, each once). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const AUTH_MIGRATIONS: Function[] = [CreateAuthTables1764800000000, CreateDiscordTokens1764900000000];
