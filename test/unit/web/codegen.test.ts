// Fails when web/src/gql or test/gql is stale: codegen runs in memory from schema/schema.graphql and the
// web's and the tests' operations, and must reproduce the committed files exactly (fix: `npm run codegen`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../../../codegen.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const generatedDirs = ['web/src/gql', 'test/gql'].map((dir) => path.join(repo, dir));

it('web/src/gql and test/gql are up to date with the schema and the operations', async () => {
  const files = (await generate({ ...config, cwd: repo, silent: true }, false)) as { filename: string; content: string }[];
  const expected = new Map(files.map((file) => [path.resolve(repo, file.filename), file.content]));
  const committed = generatedDirs.flatMap((dir) => fs.readdirSync(dir).map((name) => path.join(dir, name)));

  expect(committed.sort(), 'files in web/src/gql and test/gql').toEqual([...expected.keys()].sort());
  for (const [file, content] of expected) {
    expect(fs.readFileSync(file, 'utf8'), `${path.relative(repo, file)} is stale: run npm run codegen`).toBe(content);
  }
}, 60_000);
