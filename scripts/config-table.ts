// Prints the configuration table for the README from server/config.ts, so the two never disagree.
import { variables } from '../server/config.js';
import { z } from 'zod';

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '';
  return `\`${Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data)}\``;
}

const rows = Object.entries(variables).map(([name, { schema, help }]) => `| \`${name}\` | ${defaultOf(schema as z.ZodType)} | ${help} |`);
console.log(['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n'));
