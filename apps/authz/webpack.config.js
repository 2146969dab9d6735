const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

// Bundles the app's own code and the libs it imports; node_modules stay external.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/authz'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      // Type checking is its own step (npm run typecheck); the bundle only transpiles.
      skipTypeChecking: true,
      sourceMap: true,
    }),
  ],
};
