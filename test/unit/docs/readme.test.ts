// The README's configuration table lists every variable server/config.ts reads.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { variables } from '../../../server/config.js';

it('documents every configuration variable', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const missing = Object.keys(variables).filter((name) => !readme.includes(`| \`${name}\` |`));
  expect(missing).toEqual([]);
});
