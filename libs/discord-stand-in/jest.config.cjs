module.exports = {
  ...require('../../jest.preset.cjs').unit,
  displayName: 'discord-stand-in',
  rootDir: __dirname,
};
