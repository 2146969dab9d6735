export * from './config-schema';
export * from './value-parsers';
export * from './variables';
export * from './app-configs';
export * from './app-config';
export * from './node-flags';
