export * from './poll-until';
export * from './free-port';
export * from './isolated-environment';
export * from './service-process';
export * from './nats-server-process';
export * from './warden-stack';
export * from './audit-stream-reader';
export * from './gateway-login';
