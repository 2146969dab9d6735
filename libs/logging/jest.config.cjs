module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'logging',
  rootDir: __dirname,
};
