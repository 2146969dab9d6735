module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'crypto',
  rootDir: __dirname,
};
