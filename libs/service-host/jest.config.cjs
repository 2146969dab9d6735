module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'service-host',
  rootDir: __dirname,
};
