export * from './health-registry';
export * from './readiness';
export * from './health-http.controller';
export * from './nats-health.controller';
export * from './service-host.module';
export * from './run-service';
export * from './service-exception.filter';
export * from './graceful-shutdown';
