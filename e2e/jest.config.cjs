module.exports = {
  ...require('../jest.preset.cjs').unit,
  displayName: 'e2e',
  rootDir: __dirname,
};
