module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'ip-blocklist',
  rootDir: __dirname,
};
