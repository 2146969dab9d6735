module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'messaging',
  rootDir: __dirname,
};
