module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'contracts',
  rootDir: __dirname,
};
