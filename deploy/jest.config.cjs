module.exports = {
  ...require('../jest.preset.cjs').unit,
  displayName: 'deploy',
  rootDir: __dirname,
};
