const { join } = require('path');

const workspaceRoot = __dirname;

/** @warden/* aliases resolve to the libs' sources, as in tsconfig.base.json. */
const moduleNameMapper = {
  '^@warden/(.*)$': join(workspaceRoot, 'libs/$1/src/index.ts'),
};

const transform = {
  // Transpile only: `npm run typecheck` type-checks the whole workspace once.
  '^.+\\.ts$': ['ts-jest', { tsconfig: join(workspaceRoot, 'tsconfig.spec.json'), diagnostics: false }],
};

const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
};

module.exports = {
  common,
  unit: { ...common, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
  integration: { ...common, testMatch: ['<rootDir>/src/**/*.integration-spec.ts'] },
};
