const { readdirSync } = require('fs');
const { join } = require('path');
const { integration } = require('./jest.preset.cjs');

// Every app and lib, deploy/ (the deployment files' own tests) and e2e/ (the whole system).
const roots = [...['apps', 'libs'].flatMap((dir) => readdirSync(join(__dirname, dir)).map((name) => join(__dirname, dir, name))), join(__dirname, 'deploy'), join(__dirname, 'e2e')];

/**
 * Integration tests (`*.integration-spec.ts`): real Postgres, Redis and NATS, built apps run as
 * processes. Each test file creates its own isolated environment (database, key and subject prefixes).
 */
module.exports = {
  reporters: ['default', ['<rootDir>/tools/jest-summary-reporter.cjs', { tier: 'integration' }]],
  maxWorkers: 2,
  testTimeout: 120_000,
  projects: roots.map((root) => ({
    ...integration,
    displayName: root.split('/').slice(-1)[0],
    rootDir: root,
  })),
};
