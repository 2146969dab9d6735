import { CreateSchedulerTables1764900000000 } from './1764900000000-create-scheduler-tables';

/** Migrations of the scheduler schema, oldest first (applied in this order, each once). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const SCHEDULER_MIGRATIONS: Function[] = [CreateSchedulerTables1764900000000];
