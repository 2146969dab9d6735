import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Variables } from './variables';

describe('the README configuration table', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

  it.each([...Object.keys(Variables), 'HEALTH_PORT'])('documents %s', (name) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});
