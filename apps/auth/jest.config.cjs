module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'auth',
  rootDir: __dirname,
};
