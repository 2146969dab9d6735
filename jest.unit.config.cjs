const { readdirSync, existsSync } = require('fs');
const { join } = require('path');
const { unit } = require('./jest.preset.cjs');

// Every app and lib, deploy/ (the deployment files' own tests) and e2e/ (the whole system).
const roots = [...['apps', 'libs'].flatMap((dir) => readdirSync(join(__dirname, dir)).map((name) => join(__dirname, dir, name))), join(__dirname, 'deploy'), join(__dirname, 'e2e')];

/** Every project's unit tests (`*.spec.ts`): pure logic, no I/O. */
module.exports = {
  reporters: ['default', ['<rootDir>/tools/jest-summary-reporter.cjs', { tier: 'unit' }]],
  projects: roots.filter((root) => existsSync(join(root, 'jest.config.cjs'))).map((root) => ({ ...unit, displayName: root.split('/').slice(-1)[0], rootDir: root })),
};
