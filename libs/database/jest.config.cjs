module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'database',
  rootDir: __dirname,
};
