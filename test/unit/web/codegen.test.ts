// Fails when web/src/gql is stale: codegen runs in memory from schema/schema.graphql and the web
// operations, and must reproduce the committed files exactly (fix: `npm run codegen`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../../../codegen.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const generatedDir = path.join(repo, 'web/src/gql');

it('web/src/gql is up to date with the schema and the operations', async () => {
  const files = (await generate({ ...config, cwd: repo, silent: true }, false)) as { filename: string; content: string }[];
  const expected = new Map(files.map((file) => [path.resolve(repo, file.filename), file.content]));
  const committed = fs.readdirSync(generatedDir).map((name) => path.join(generatedDir, name));

  expect(committed.sort(), 'files in web/src/gql').toEqual([...expected.keys()].sort());
  for (const [file, content] of expected) {
    expect(fs.readFileSync(file, 'utf8'), `${path.relative(repo, file)} is stale: run npm run codegen`).toBe(content);
  }
}, 60_000);
