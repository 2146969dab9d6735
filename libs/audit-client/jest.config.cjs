module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'audit-client',
  rootDir: __dirname,
};
