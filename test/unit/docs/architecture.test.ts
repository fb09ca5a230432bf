// docs/ARCHITECTURE.md's queue table names every job kind the code defines, and no other.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../../server/queue/definitions.js';

const doc = fs.readFileSync(new URL('../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
const table = doc.slice(doc.indexOf('## Queues'), doc.indexOf('\n## ', doc.indexOf('## Queues') + 1));

describe('docs/ARCHITECTURE.md', () => {
  it('lists every queue in its queue table, and only those', () => {
    const documented = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(jobDefinitions.map((d) => d.name).sort());
  });
});
