module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'authz',
  rootDir: __dirname,
};
