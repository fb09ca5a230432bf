// Rewrites the README's configuration table from server/config.ts, so the two never disagree.
import fs from 'node:fs';
import { variables } from '../server/config.js';
import type { z } from 'zod';

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '';
  const text = Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data);
  return text ? `\`${text}\`` : '';
}

const rows = Object.entries(variables).map(([name, { schema, help }]) => `| \`${name}\` | ${defaultOf(schema as z.ZodType)} | ${help} |`);
const table = ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
const readme = fs.readFileSync('README.md', 'utf8');
const start = readme.indexOf('<!-- config:start');
const end = readme.indexOf('<!-- config:end -->');
const startLineEnd = readme.indexOf('\n', start) + 1;
fs.writeFileSync('README.md', `${readme.slice(0, startLineEnd)}${table}\n${readme.slice(end)}`);
console.log('README.md configuration table updated');
