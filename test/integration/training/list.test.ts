// trainingJobs pages: newest first, ties on createdAt broken by id, every job
// once forwards (first/after) and backwards (last/before), only the caller's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import type { TrainingJobPageQueryVariables } from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

const JOBS = 57;
const PAGE = 10;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
/** Alice's job ids, newest first, as the database orders them. */
let expected: string[];

async function insertJobs(ownerId: string, datasetId: string, count: number) {
  const base = Date.now() - 3_600_000;
  await db.trainingJob.createMany({
    // Three jobs per millisecond: the order must fall back on id.
    data: Array.from({ length: count }, (_, i) => ({ ...jobRow(ownerId, datasetId, 'FAILED'), createdAt: new Date(base + Math.floor(i / 3)) })),
  });
}

beforeAll(async () => {
  t = await startTestApp();
  [alice, bob] = [await createUser(t), await createUser(t)];
  const [aliceData, bobData] = await Promise.all([readyDataset(t, alice.token, 10), readyDataset(t, bob.token, 10)]);
  await insertJobs(alice.id, rawId(aliceData), JOBS);
  await insertJobs(bob.id, rawId(bobData), 20);
  const rows = await db.trainingJob.findMany({ where: { ownerId: alice.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
  expected = rows.map((r) => r.id);
});
afterAll(() => t?.stop());

const LIST = graphql(`
  query TrainingJobPage($first: Int, $after: String, $last: Int, $before: String) {
    trainingJobs(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

async function page(token: string, variables: TrainingJobPageQueryVariables) {
  return (await t.gqlData(LIST, variables, token)).trainingJobs;
}

describe('trainingJobs pages', () => {
  /** Every page in one direction: forwards from the newest (first/after) or backwards from the oldest (last/before). */
  async function walk(direction: 'forwards' | 'backwards'): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const forwards = direction === 'forwards';
      const p = await page(alice.token, forwards ? { first: PAGE, after: cursor } : { last: PAGE, before: cursor });
      const ids = p.edges.map((e) => rawId(e.node.id));
      if (forwards) seen.push(...ids);
      else seen.unshift(...ids);
      if (!(forwards ? p.pageInfo.hasNextPage : p.pageInfo.hasPreviousPage)) break;
      cursor = forwards ? p.pageInfo.endCursor : p.pageInfo.startCursor;
    }
    return seen;
  }

  it('go forwards through every job once, newest first, ties broken by id', async () => {
    expect(expected.length).toBe(JOBS);
    expect(await walk('forwards')).toEqual(expected);
  });

  it('go backwards from the oldest through every job once', async () => {
    expect(await walk('backwards')).toEqual(expected);
  });

  it("never show another user's jobs, whatever the cursor", async () => {
    const alicePage = await page(alice.token, { first: PAGE });
    const bobPage = await page(bob.token, { first: 50, after: alicePage.pageInfo.endCursor });
    const bobJobs = await db.trainingJob.findMany({ where: { ownerId: bob.id }, select: { id: true } });
    const bobIds = new Set(bobJobs.map((j) => j.id));
    expect(bobPage.edges.every((e) => bobIds.has(rawId(e.node.id)))).toBe(true);
  });
});
