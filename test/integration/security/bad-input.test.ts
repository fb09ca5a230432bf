// Hostile or careless input is the caller's mistake, answered with a typed error and nothing logged as a server
// error: very deep or very long documents, a 1 MB idempotency key, NUL characters; and error answers never carry
// server internals (stack traces, file paths, database messages).
import { randomBytes } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/db/embedded-postgres.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { readyDataset } from '../../helpers/training.js';

let t: TestApp;
let production: TestApp;
let alice: TestUser;
let datasetId: string;

const INTERNALS = /originalError|stack|\.ts:\d|node_modules|prisma|invocation/i;

beforeAll(async () => {
  t = await startTestApp();
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token, 12);
});
afterAll(() => Promise.all([t?.stop(), production?.stop()]));

function codes(body: { errors?: GraphQLFormattedError[] }): string[] {
  return (body.errors ?? []).map((e) => String(e.extensions?.code ?? 'NONE'));
}

// The documents this file sends as written (rawGql) are the bad input; these two are well-formed and typed.
const CREATE_DATASET = graphql(`
  mutation BadInputCreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) { __typename ... on InvalidInputError { problems { path } } }
  }
`);
const CREATE_JOB = graphql(`
  mutation BadInputCreateJob($input: CreateTrainingJobInput!) {
    createTrainingJob(input: $input) { __typename ... on InvalidInputError { problems { path } } }
  }
`);

describe('bad input', () => {
  it('a 5,000-deep document is refused before it is parsed into a stack overflow', async () => {
    for (const query of [`{ ${'me { '.repeat(5000)}id${' }'.repeat(5000)} }`, `{ dataset(id: ${'['.repeat(5000)}1${']'.repeat(5000)}) { id } }`]) {
      const res = await t.rawGql(query, {}, alice.token);
      expect(res.status).toBeLessThan(500);
      expect(codes(res.body)).toEqual(['QUERY_TOO_DEEP']);
    }
  });

  it('a document of more tokens than the limit is refused at parsing', async () => {
    const query = `{ ${Array.from({ length: 30_000 }, () => '__typename').join(' ')} }`;
    const res = await t.rawGql(query, {}, alice.token);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body.errors)).toMatch(/tokens/);
    expect(codes(res.body)).not.toContain('INTERNAL_SERVER_ERROR');
  });

  it('a 1 MB idempotency key is an InvalidInputError naming the field, for datasets and jobs alike', async () => {
    const key = 'k'.repeat(1024 * 1024);
    const dataset = await t.gql(CREATE_DATASET, { input: { name: 'n', fileName: 'a.jsonl', fileSize: 10, contentType: 'application/jsonl', idempotencyKey: key } }, alice.token);
    expect(dataset.body.data?.createDataset).toEqual({ __typename: 'InvalidInputError', problems: [{ path: ['idempotencyKey'] }] });
    const job = await t.gql(CREATE_JOB, { input: { datasetId, presetId: 'fast', gpu: { type: 'A100-80GB', count: 1 }, idempotencyKey: key } }, alice.token);
    expect(job.body.data?.createTrainingJob).toEqual({ __typename: 'InvalidInputError', problems: [{ path: ['idempotencyKey'] }] });
  });

  it('NUL characters in strings are refused as bad input, not stored or crashed on', async () => {
    const res = await t.gql(CREATE_DATASET, { input: { name: 'bad\u0000name', fileName: 'a\u0000.jsonl', fileSize: 10, contentType: 'application/jsonl' } }, alice.token);
    expect(codes(res.body)).toEqual(['BAD_USER_INPUT']);
    const literal = await t.rawGql(
      `mutation { createDataset(input: { name: "a\\u0000b", fileName: "a.jsonl", fileSize: 10, contentType: "application/jsonl" }) { __typename } }`,
      {},
      alice.token,
    );
    expect(codes(literal.body)).toEqual(['BAD_USER_INPUT']);
  });

  it('errors carry no server internals, and production suggests no field names', async () => {
    const res = await t.rawGql('{ me { idd } }', {}, alice.token);
    expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
    const port = await freePort();
    production = await startTestApp({
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      SERVER_SECRET: randomBytes(32).toString('hex'),
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      ALLOW_EMBEDDED_SERVICES: 'true',
    });
    const suggested = await production.rawGql('{ __typename baseModels { idd } }');
    expect(JSON.stringify(suggested.body.errors)).not.toMatch(/Did you mean/);
    expect(JSON.stringify(res.body.errors)).toMatch(/Did you mean/); // development keeps them
  });

  it('variables that do not fit their types answer with a code, as docs/API.md says', async () => {
    const missing = await t.rawGql('query($id: ID!) { dataset(id: $id) { id } }', {}, alice.token);
    expect(codes(missing.body)).toEqual(['BAD_USER_INPUT']);
    const wrongType = await t.rawGql('query($first: Int) { datasets(first: $first) { totalCount } }', { first: 'ten' }, alice.token);
    expect(codes(wrongType.body)).toEqual(['BAD_USER_INPUT']);
  });
});
