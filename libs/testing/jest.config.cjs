module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'testing',
  rootDir: __dirname,
};
