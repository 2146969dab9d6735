const { readdirSync, existsSync } = require('fs');
const { join } = require('path');
const { unit } = require('./jest.preset.cjs');

// Every app and lib, and deploy/ (the deployment files' own tests).
const roots = [...['apps', 'libs'].flatMap((dir) => readdirSync(join(__dirname, dir)).map((name) => join(__dirname, dir, name))), join(__dirname, 'deploy')];

/** Every project's unit tests (`*.spec.ts`): pure logic, no I/O. */
module.exports = {
  reporters: ['default', ['<rootDir>/tools/jest-summary-reporter.cjs', { tier: 'unit' }]],
  projects: roots.filter((root) => existsSync(join(root, 'jest.config.cjs'))).map((root) => ({ ...unit, displayName: root.split('/').slice(-1)[0], rootDir: root })),
};
