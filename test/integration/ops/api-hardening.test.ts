// The GraphQL endpoint refuses abusive documents before running them, refuses
// requests a browser could send cross-site without a preflight (CSRF), and can
// switch introspection and GraphiQL off, over HTTP and graphql-ws alike.
import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import { startTestApp, wsOnce, type GraphQLErrors, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';

let open: TestApp;
let closed: TestApp;
let user: TestUser;

beforeAll(async () => {
  [open, closed] = await Promise.all([startTestApp(), startTestApp({ INTROSPECTION: 'false', GRAPHIQL: 'false' })]);
  user = await createUser(open);
});
afterAll(() => Promise.all([open?.stop(), closed?.stop()]));

const DEEP = `query($id: ID!) { trainingJob(id: $id) { ${'artifact { job { '.repeat(5)}id${' } }'.repeat(5)} } }`;
const ALIASED = `{ ${Array.from({ length: 31 }, (_, i) => `n${i}: unreadNotificationCount`).join(' ')} }`;
const COSTLY = '{ trainingJobs(first: 100) { edges { node { metrics(maxPoints: 10000) { step trainingLoss } } } } }';
const INTROSPECTION = getIntrospectionQuery();
const ORDINARY = graphql(`query ApiHardeningOrdinary { me { id email } trainingJobs(first: 20) { totalCount edges { node { id status } } } }`);
const TYPENAME = graphql(`query ApiHardeningTypename { __typename }`);

describe('query limits', () => {
  const cases = [
    ['QUERY_TOO_DEEP', DEEP],
    ['TOO_MANY_ALIASES', ALIASED],
    ['QUERY_TOO_COSTLY', COSTLY],
  ] as const;

  it.each(cases)('refuses %s over HTTP, with nothing executed', async (code, query) => {
    const res = await open.rawGql(query, { id: 'VHJhaW5pbmdKb2I6eA==' }, user.token);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(res.body.errors?.[0]?.message).toMatch(/at most/);
  });

  it.each(cases)('refuses %s over graphql-ws', async (code, query) => {
    const result = await wsOnce(open.ws(user.token), query, { id: 'VHJhaW5pbmdKb2I6eA==' });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  });

  it('lets ordinary operations and the introspection query through', async () => {
    expect((await open.gql(ORDINARY, {}, user.token)).body.errors).toBeUndefined();
    const introspection = await open.rawGql(INTROSPECTION, {}, user.token);
    expect(introspection.body.errors).toBeUndefined();
    expect((introspection.body.data as IntrospectionQuery | undefined)?.__schema.queryType.name).toBe('Query');
  });
});

describe('CSRF prevention', () => {
  const url = () => `${open.url}/graphql`;
  const body = JSON.stringify({ query: '{ __typename }' });

  it.each([
    ['a text/plain form post', { 'content-type': 'text/plain' }, body],
    ['a urlencoded form post', { 'content-type': 'application/x-www-form-urlencoded' }, `query=${encodeURIComponent('{ __typename }')}`],
    ['a multipart form post', { 'content-type': 'multipart/form-data; boundary=x' }, `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${body}\r\n--x--\r\n`],
  ])('refuses %s', async (_name, headers, payload) => {
    const res = await fetch(url(), { method: 'POST', headers, body: payload });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errors: GraphQLErrors }).errors[0].message).toMatch(/CSRF/);
  });

  it('refuses a GET query without a header only a preflighted request can carry', async () => {
    const res = await fetch(`${url()}?query=${encodeURIComponent('{ __typename }')}`);
    expect(res.status).toBe(403);
  });

  it('accepts JSON posts, and GET queries with the CSRF header or a bearer token', async () => {
    const get = (headers: Record<string, string>) => fetch(`${url()}?query=${encodeURIComponent('{ me { id } }')}`, { headers });
    for (const res of [
      await fetch(url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      }),
      await get({ 'x-graphql-yoga-csrf': '1', authorization: `Bearer ${user.token}` }),
      await get({ authorization: `Bearer ${user.token}` }),
    ]) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { me: { id: string } } }).data.me.id).toBeTruthy();
    }
  });
});

describe('introspection and GraphiQL switches', () => {
  const graphiqlPage = (t: TestApp) => fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });

  it('serves GraphiQL to a browser when on', async () => {
    const res = await graphiqlPage(open);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('BrightRun GraphQL');
  });

  it('serves no GraphiQL when off', async () => {
    const res = await graphiqlPage(closed);
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await res.text()).not.toMatch(/graphiql/i);
  });

  it('refuses introspection over HTTP and graphql-ws when off, and still answers __typename', async () => {
    const token = (await createUser(closed)).token;
    const http = await closed.rawGql(INTROSPECTION, {}, token);
    expect(http.body.data).toBeUndefined();
    expect(http.body.errors?.[0]?.message).toMatch(/introspection/i);
    const typeQuery = await closed.rawGql('{ __type(name: "Query") { name } }', {}, token);
    expect(typeQuery.body.errors?.[0]?.message).toMatch(/introspection/i);
    const ws = await wsOnce(closed.ws(token), INTROSPECTION);
    expect(ws.data).toBeUndefined();
    expect(ws.errors?.[0].message).toMatch(/introspection/i);
    expect((await closed.gql(TYPENAME, {}, token)).body.data).toEqual({ __typename: 'Query' });
  });
});
