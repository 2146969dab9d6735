module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'audit',
  rootDir: __dirname,
};
