import { CreateAuditLog1764800000000 } from './1764800000000-create-audit-log';

/** Migrations of the audit schema, oldest first (applied in this order, each once). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const AUDIT_MIGRATIONS: Function[] = [CreateAuditLog1764800000000];
