module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'redis',
  rootDir: __dirname,
};
