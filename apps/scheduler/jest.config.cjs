module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'scheduler',
  rootDir: __dirname,
};
