module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'gateway',
  rootDir: __dirname,
};
