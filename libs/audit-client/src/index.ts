export * from './audit-stream';
export * from './audit.client';
export * from './audit-client.module';
