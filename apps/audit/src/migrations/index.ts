import { CreateAuditLog1764800000000 } from './1764800000000-create-audit-log';
import { IndexEventsByActionAndTime1764900000000 } from './1764900000000-index-events-by-action-and-time';

/** Migrations of the audit schema, oldest first (applied in this order, each once). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const AUDIT_MIGRATIONS: Function[] = [CreateAuditLog1764800000000, IndexEventsByActionAndTime1764900000000];
