export * from './contract';
export * from './errors';
export * from './services';
export * from './health/service-health';
export * from './audit/security-event';
