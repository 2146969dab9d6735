module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'config',
  rootDir: __dirname,
};
