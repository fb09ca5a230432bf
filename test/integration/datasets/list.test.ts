// Listing is a Relay connection whose cost does not grow with the data: paging
// through 10,000 datasets costs the same number of SQL statements per page.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, statementCounter } from '../../../server/db/client.js';
import type { DatasetListPageQuery } from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';

let t: TestApp;
let owner: TestUser;
const TOTAL = 10_000;

beforeAll(async () => {
  t = await startTestApp();
  owner = await createUser(t);
  const start = Date.now() - TOTAL * 1000;
  for (let batch = 0; batch < TOTAL; batch += 2000) {
    await db.dataset.createMany({
      data: Array.from({ length: 2000 }, (_, i) => {
        const n = batch + i;
        const id = randomUUID();
        return {
          id,
          ownerId: owner.id,
          name: `dataset ${n}${n % 10 === 0 ? ' special' : ''}`,
          baseModelId: 'mistralai/Mistral-7B-v0.1',
          fileName: 'train.jsonl',
          fileSize: 1000n,
          contentType: 'application/jsonl',
          storagePath: `${owner.id}/${id}/dataset.jsonl`,
          status: n % 2 === 0 ? ('READY' as const) : ('INVALID' as const),
          createdAt: new Date(start + n * 1000),
        };
      }),
    });
  }
}, 120_000);
afterAll(() => t?.stop());

const PAGE = graphql(`
  query DatasetListPage($after: String) {
    datasets(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name status fileSize baseModel { id } } }
    }
  }
`);
const SPECIAL = graphql(`
  query DatasetListSpecial {
    datasets(first: 5, filter: { status: [READY], search: "SPECIAL" }) { totalCount edges { node { status name } } }
  }
`);
const FIRST_TEN = graphql(`query DatasetListFirstTen { datasets(first: 10) { totalCount edges { node { id } } } }`);

describe('datasets connection', () => {
  it('pages through 10,000 datasets newest first at a constant SQL cost per page', async () => {
    const statementsPerPage: number[] = [];
    const seen = new Set<string>();
    const names: string[] = [];
    let after: string | null = null;
    // The app's background work (workers, schedules) runs in this process too and only adds statements: each page
    // is asked for twice and the fewer counts, as the same request can cost no less.
    const measured = async (): Promise<[DatasetListPageQuery, number]> => {
      const before = statementCounter.count;
      const data = await t.gqlData(PAGE, { after }, owner.token);
      return [data, statementCounter.count - before];
    };
    for (;;) {
      const [data, first] = await measured();
      const [, second] = await measured();
      statementsPerPage.push(Math.min(first, second));
      const page = data.datasets;
      expect(page.totalCount).toBe(TOTAL);
      for (const edge of page.edges) {
        seen.add(edge.node.id);
        names.push(edge.node.name);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.size).toBe(TOTAL);
    expect(names[0]).toBe(`dataset ${TOTAL - 1}`);
    expect(names.at(-1)).toBe('dataset 0 special');
    expect(statementsPerPage).toHaveLength(TOTAL / 100);
    expect(new Set(statementsPerPage).size).toBe(1);
    expect(statementsPerPage[0]).toBeLessThanOrEqual(4);
  }, 120_000);

  it('filters by status and name, with a matching totalCount', async () => {
    const { datasets } = await t.gqlData(SPECIAL, {}, owner.token);
    expect(datasets.totalCount).toBe(TOTAL / 10);
    expect(datasets.edges.every((e) => e.node.status === 'READY' && e.node.name.includes('special'))).toBe(true);
  });

  it("never shows another user's datasets", async () => {
    const other = await createUser(t);
    const res = await t.gql(FIRST_TEN, {}, other.token);
    expect(res.body.data?.datasets).toEqual({ totalCount: 0, edges: [] });
  });
});
