export * from './ip-blocklist.store';
