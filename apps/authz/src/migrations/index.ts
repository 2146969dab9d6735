import { CreateRbacTables1764800000000 } from './1764800000000-create-rbac-tables';

/** Migrations of the authz schema, oldest first (applied in this order, each once). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const AUTHZ_MIGRATIONS: Function[] = [CreateRbacTables1764800000000];
