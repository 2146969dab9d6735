/** `npm run migrate`: applies every service's migrations through the same entry point the services use. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
for (const app of ['auth', 'authz', 'crypto', 'audit', 'scheduler']) {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/apps', app, 'main.js'), 'migrate'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
