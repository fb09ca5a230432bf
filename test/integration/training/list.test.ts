// trainingJobs pages: newest first, ties on createdAt broken by id, every job
// once forwards (first/after) and backwards (last/before), only the caller's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBaseModel } from '../../../server/catalog/base-models.js';
import { db } from '../../../server/db/client.js';
import { findPreset, presetHyperparameters } from '../../../server/training/catalog.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { readyDataset } from '../../helpers/training.js';

const JOBS = 57;
const PAGE = 10;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
/** Alice's job ids, newest first, as the database orders them. */
let expected: string[];

async function insertJobs(ownerId: string, datasetId: string, count: number) {
  const model = defaultBaseModel();
  const base = Date.now() - 3_600_000;
  await db.trainingJob.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      ownerId,
      datasetId,
      name: `listed ${i}`,
      presetId: 'fast',
      baseModelId: model.id,
      hyperparameters: presetHyperparameters(findPreset('fast')!, model) as any,
      gpuType: 'A100-80GB',
      gpuCount: 1,
      totalEpochs: 1,
      totalSteps: 10,
      estimate: { tokensToTrain: 10_000 },
      estimatedCost: '0.50',
      provider: 'simulated',
      status: 'FAILED' as const,
      // Three jobs per millisecond: the order must fall back on id.
      createdAt: new Date(base + Math.floor(i / 3)),
    })),
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

const LIST = `query($first: Int, $after: String, $last: Int, $before: String) {
  trainingJobs(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

async function page(token: string, variables: Record<string, unknown>) {
  const res = await t.gql(LIST, variables, token);
  if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.trainingJobs as { edges: { cursor: string; node: { id: string } }[]; pageInfo: any };
}

describe('trainingJobs pages', () => {
  it('go forwards through every job once, newest first, ties broken by id', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const p = await page(alice.token, { first: PAGE, after });
      seen.push(...p.edges.map((e) => rawId(e.node.id)));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(expected.length).toBe(JOBS);
    expect(seen).toEqual(expected);
  });

  it('go backwards from the oldest through every job once', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    // The oldest page first: last without before.
    for (let pages = 0; pages < 20; pages++) {
      const p = await page(alice.token, { last: PAGE, before });
      seen.unshift(...p.edges.map((e) => rawId(e.node.id)));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(seen).toEqual(expected);
  });

  it("never show another user's jobs, whatever the cursor", async () => {
    const alicePage = await page(alice.token, { first: PAGE });
    const bobPage = await page(bob.token, { first: 50, after: alicePage.pageInfo.endCursor });
    const bobJobs = await db.trainingJob.findMany({ where: { ownerId: bob.id }, select: { id: true } });
    const bobIds = new Set(bobJobs.map((j) => j.id));
    expect(bobPage.edges.every((e) => bobIds.has(rawId(e.node.id)))).toBe(true);
  });
});
