// models(orderBy: BEST_VALIDATION_LOSS): lowest best validation loss first, models without one last, paged
// without skipping or repeating; only the caller's. And TrainingJob.bestValidation, the point it comes from.
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import type { ModelOrder, ModelOrderPageQuery } from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
/** Alice's model names by best validation loss. */
const LOSSES: Record<string, number | null> = { b: 1.2, a: 0.9, none: null, c: 1.5, d: 0.95 };
const jobIds: Record<string, string> = {};

async function insertModel(user: TestUser, datasetId: string, name: string, best: number | null, createdAt: Date) {
  const job = await db.trainingJob.create({ data: { ...jobRow(user.id, datasetId, 'COMPLETED'), name } });
  jobIds[name] = job.id;
  await db.modelArtifact.create({
    data: {
      ownerId: user.id,
      jobId: job.id,
      datasetId,
      name,
      baseModelId: job.baseModelId,
      hyperparameters: job.hyperparameters as object,
      status: 'STORED',
      storagePrefix: `${user.id}/${job.id}/`,
      bestValidationLoss: best,
      createdAt,
    },
  });
  if (best !== null) {
    await db.metricPoint.createMany({
      data: [
        { jobId: job.id, step: 5, epoch: 0.5, trainingLoss: 2, validationLoss: best + 0.3 },
        { jobId: job.id, step: 10, epoch: 1, trainingLoss: 1.5, validationLoss: best, tokensTrained: 4096n },
        { jobId: job.id, step: 12, epoch: 1.2, trainingLoss: 1.4 },
        { jobId: job.id, step: 15, epoch: 1.5, trainingLoss: 1.3, validationLoss: best + 0.1 },
      ],
    });
  }
}

beforeAll(async () => {
  t = await startTestApp();
  [alice, bob] = [await createUser(t), await createUser(t)];
  const [aliceData, bobData] = await Promise.all([readyDataset(t, alice.token, 10), readyDataset(t, bob.token, 10)]);
  let i = 0;
  for (const [name, best] of Object.entries(LOSSES)) await insertModel(alice, rawId(aliceData), name, best, new Date(Date.now() - 60_000 + i++ * 1000));
  await insertModel(bob, rawId(bobData), 'bob best', 0.1, new Date());
});
afterAll(() => t?.stop());

const MODELS = graphql(`
  query ModelOrderPage($first: Int, $after: String, $orderBy: ModelOrder) {
    models(first: $first, after: $after, orderBy: $orderBy) {
      edges {
        node {
          name
          quality { bestValidationLoss }
          job { bestValidation { step validationLoss tokensTrained } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

async function names(token: string, orderBy?: ModelOrder, first = 2): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const { edges, pageInfo }: ModelOrderPageQuery['models'] = (await t.gqlData(MODELS, { first, after, orderBy }, token)).models;
    seen.push(...edges.map((e) => e.node.name));
    if (!pageInfo.hasNextPage) break;
    after = pageInfo.endCursor;
  }
  return seen;
}

describe('models orderBy', () => {
  it('sorts by best validation loss, models without one last, over pages of two', async () => {
    expect(await names(alice.token, 'BEST_VALIDATION_LOSS')).toEqual(['a', 'd', 'b', 'c', 'none']);
  });

  it('keeps newest first by default and for NEWEST', async () => {
    expect(await names(alice.token)).toEqual(['d', 'c', 'none', 'a', 'b']);
    expect(await names(alice.token, 'NEWEST', 10)).toEqual(['d', 'c', 'none', 'a', 'b']);
  });

  it("never shows another user's model", async () => {
    expect(await names(bob.token, 'BEST_VALIDATION_LOSS')).toEqual(['bob best']);
  });

  it('refuses an unknown order', async () => {
    // Sent as text: the typed document would not let 'LOSS' through.
    const res = await t.rawGql(print(MODELS), { first: 2, orderBy: 'LOSS' }, alice.token);
    expect(res.body.data).toBeUndefined();
    expect(JSON.stringify(res.body.errors)).toContain('ModelOrder');
  });

  it("gives each job's best validation point, null before any evaluation", async () => {
    const { models } = await t.gqlData(MODELS, { first: 10, orderBy: 'BEST_VALIDATION_LOSS' }, alice.token);
    const byName = Object.fromEntries(models.edges.map((e) => [e.node.name, e.node.job?.bestValidation]));
    expect(byName.a).toEqual({ step: 10, validationLoss: 0.9, tokensTrained: 4096 });
    expect(byName.none).toBeNull();
  });
});
