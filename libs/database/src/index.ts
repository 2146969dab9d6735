export * from './data-source-options';
export * from './migration-runner';
export * from './database.module';
export * from './sql';
