// A page cursor made from another user's id tells nothing: the page is the same as for an id that never existed
// (a guard: Prisma's cursor already behaves so for these lists).
// A cursor that is not one this API gave out is BAD_USER_INPUT, never an internal error.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const LIST = graphql(`query ForeignCursorsPage($after: String) { datasets(first: 5, after: $after) { edges { node { id } } } }`);
const FIRST = graphql(`query ForeignCursorsFirst { datasets(first: 1) { pageInfo { endCursor } edges { node { id } } } }`);

beforeAll(async () => {
  t = await startTestApp();
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
  await readyDataset(t, alice.token, 12);
  await readyDataset(t, alice.token, 12);
});
afterAll(() => t?.stop());

describe('page cursors', () => {
  it("a cursor made from another user's dataset pages like one from an id that never existed", async () => {
    const { datasets } = await t.gqlData(FIRST, {}, alice.token);
    const cursor = datasets.pageInfo.endCursor!;
    const ownId = rawId(datasets.edges[0]!.node.id);
    const decoded = Buffer.from(cursor, 'base64').toString();
    expect(decoded).toContain(ownId);
    const cursorFor = (id: string) => Buffer.from(decoded.replace(ownId, id)).toString('base64');

    // Alice's own cursor works (the control); Bob, handed it, learns nothing.
    expect((await t.gqlData(LIST, { after: cursor }, alice.token)).datasets.edges).toHaveLength(1);
    const foreign = await t.gql(LIST, { after: cursor }, bob.token);
    const missing = await t.gql(LIST, { after: cursorFor(randomUUID()) }, bob.token);
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.body.data?.datasets.edges).toEqual([]);
  });

  it('a cursor that is not an id is BAD_USER_INPUT', async () => {
    const res = await t.gql(LIST, { after: Buffer.from('GPC:S:not-a-uuid').toString('base64') }, alice.token);
    expect((res.body.errors ?? []).map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
