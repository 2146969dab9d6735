module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'service-testing',
  rootDir: __dirname,
};
