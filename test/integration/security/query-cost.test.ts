// The query cost limit, fed by variables (issue 14, item 2): list sizes are
// counted from the values sent, not the defaults written in the document, and
// a size of zero or less is bad input, over HTTP (POST and GET), SSE and
// graphql-ws alike, with nothing executed. Before the fix, `$n: Int = 1` with
// `{"n": 100000}` sent was measured as 1 and ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print, type GraphQLFormattedError } from 'graphql';
import { graphql } from '../../gql/index.js';
import { startTestApp, wsOnce, type TestApp } from '../../helpers/app.js';
import type { TypedDocumentNode } from '../../helpers/graphql-client.js';
import { createUser, type TestUser } from '../../helpers/factories.js';

let t: TestApp;
let user: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  user = await createUser(t);
});
afterAll(() => t?.stop());

type Result<T = unknown> = { data?: T | null; errors?: readonly GraphQLFormattedError[] };
/** A document as written (most here are refused on purpose) or a typed one, whose data the result is typed by. */
type Document<T> = string | TypedDocumentNode<T, never>;
type Send = <T = unknown>(document: Document<T>, variables: Record<string, unknown>) => Promise<Result<T>>;

const queryText = <T>(document: Document<T>) => (typeof document === 'string' ? document : print(document));

/** A query over HTTP GET (with the bearer token, so no CSRF header is needed). */
const httpGet: Send = async (document, variables) => {
  const url = `${t.url}/graphql?query=${encodeURIComponent(queryText(document))}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${user.token}` } });
  return await res.json();
};

/** An operation (query or subscription) over Server-Sent Events: its first `next` event. */
const sse: Send = async (document, variables) => {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ query: queryText(document), variables }),
  });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const match = /event: next\ndata: (.*)\n\n/.exec(text);
      if (match) return JSON.parse(match[1]!);
      const { done, value } = await reader.read();
      if (done) throw new Error(`stream ended without a result: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
};

/** Over graphql-ws: its first result. */
const ws: Send = (document, variables) => wsOnce(t.ws(user.token), queryText(document), variables);

const transports: [string, Send][] = [
  ['HTTP POST', async (document, variables) => (await t.rawGql(queryText(document), variables, user.token)).body as Result<never>],
  ['HTTP GET', httpGet],
  ['SSE', sse],
  ['graphql-ws', ws],
];

const codes = (result: Result) => result.errors?.map((e) => e.extensions?.code);

// 100,000 jobs × (1 + 10,000 points × 2 fields) per the values sent; 1 × … per the defaults.
const BYPASS = 'query($n: Int = 1) { trainingJobs(first: $n) { edges { node { metrics(maxPoints: 10000) { step trainingLoss } } } } }';
// The same as a subscription: 100,000 issues × 3 fields.
const BYPASS_SUBSCRIPTION = 'subscription($id: ID!, $n: Int = 1) { datasetUpdated(id: $id) { validation { issues(first: $n) { line code message } } } }';
const DATASET_ID = Buffer.from('Dataset:00000000-0000-4000-8000-000000000000').toString('base64');

/** Operations with a size argument: `size` is `$n` (sent in variables) or a literal. */
const SIZES: Record<string, (size: string) => string> = {
  first: (size) => `query($n: Int) { trainingJobs(first: ${size}) { totalCount } }`,
  last: (size) => `query($n: Int) { datasets(last: ${size}) { totalCount } }`,
  maxPoints: (size) => `query($id: ID!, $n: Int) { trainingJob(id: $id) { metrics(maxPoints: ${size}) { step } } }`,
  'nested issues(first:)': (size) => `query($n: Int) { datasets(first: 5) { edges { node { validation { issues(first: ${size}) { line } } } } } }`,
};
/** The literal form declares no `$n` (an unused variable is a validation error). */
const literal = (query: string) =>
  query
    .replace(/\$n: Int,? ?/, '')
    .replace(', )', ')')
    .replace('query() ', 'query ');
const ORDINARY = graphql(`
  query QueryCostOrdinary($n: Int = 100) {
    me { id }
    trainingJobs(first: $n) { totalCount edges { node { id metrics(maxPoints: $n) { step } } } }
  }
`);
const JOB_ID = Buffer.from('TrainingJob:00000000-0000-4000-8000-000000000000').toString('base64');

describe.each(transports)('query cost over %s', (_transport, send) => {
  it('refuses a list size sent in variables above the limit, whatever the default in the document says', async () => {
    const result = await send(BYPASS, { n: 100_000 });
    expect(result.data ?? undefined).toBeUndefined();
    expect(codes(result)).toEqual(['QUERY_TOO_COSTLY']);
    expect(result.errors?.[0]?.message).toMatch(/about 2,000,\d{3},\d{3} values; at most 200,000/);
  });

  it('answers BAD_USER_INPUT for a size of zero or less, as a literal or in variables', async () => {
    for (const [name, query] of Object.entries(SIZES)) {
      for (const n of [0, -1, -100_000]) {
        for (const [sent, variables] of [
          [query('$n'), { n, id: JOB_ID }],
          [literal(query(String(n))), { id: JOB_ID }],
        ] as const) {
          const result = await send(sent, variables);
          expect(result.data ?? undefined, `${name} = ${n}`).toBeUndefined();
          expect(codes(result), `${name} = ${n}`).toEqual(['BAD_USER_INPUT']);
          expect(result.errors?.[0]?.message).toMatch(new RegExp(`must be 1 or more; got ${n}`));
        }
      }
    }
  });

  it('lets ordinary queries through, sized by the values sent', async () => {
    const result = await send(ORDINARY, { n: 20 });
    expect(result.errors).toBeUndefined();
    expect(result.data?.trainingJobs.totalCount).toBe(0);
    const page = await send(SIZES.first!('$n'), { n: 1 });
    expect(page.errors).toBeUndefined();
  });
});

describe('HTTP status', () => {
  it('is 400 with Accept: application/graphql-response+json, as for validation errors', async () => {
    const post = (query: string, variables: Record<string, unknown>) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ query, variables }),
      });
    const costly = await post(BYPASS, { n: 100_000 });
    expect(costly.status).toBe(400);
    const body: Result = await costly.json();
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY' });
    expect((await post(SIZES.first!('$n'), { n: 0 })).status).toBe(400);
    expect((await post(SIZES.first!('$n'), { n: 1 })).status).toBe(200);
  });
});

describe('subscriptions', () => {
  it.each([
    ['SSE', sse],
    ['graphql-ws', ws],
  ] as const)('are sized by the variables sent too, over %s', async (_transport, send) => {
    expect(codes(await send(BYPASS_SUBSCRIPTION, { id: DATASET_ID, n: 100_000 }))).toEqual(['QUERY_TOO_COSTLY']);
    expect(codes(await send(BYPASS_SUBSCRIPTION, { id: DATASET_ID, n: -1 }))).toEqual(['BAD_USER_INPUT']);
    // Within the limits it reaches the resolver, which does not know the dataset.
    const allowed = await send(BYPASS_SUBSCRIPTION, { id: DATASET_ID, n: 10 });
    expect(codes(allowed)).not.toContain('QUERY_TOO_COSTLY');
    expect(codes(allowed)).not.toContain('BAD_USER_INPUT');
  });
});
