// A job's life through the real API, queue and simulated GPU provider:
// created QUEUED, run to COMPLETED with every step stored once, cancelled,
// stopped at its cost cap, failed by the provider; costs add up exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { usdToMicros } from '../../../server/costs/money.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' });
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token);
});
afterAll(() => t?.stop());

async function costRecordsAddUp(jobGlobalId: string) {
  const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(jobGlobalId) } });
  const records = await db.costRecord.findMany({ where: { jobId: job.id } });
  const sum = records.reduce((acc, r) => acc + usdToMicros(r.amount.toFixed(6)), 0n);
  expect(job.finalCost).not.toBeNull();
  expect(sum).toBe(usdToMicros(job.finalCost!.toFixed(6)));
  return { job, records };
}

describe('a job runs to completion', () => {
  it('goes QUEUED → INITIALIZING → RUNNING → COMPLETED with every step stored once', async () => {
    const created = await createJob(t, alice.token, { datasetId, name: 'first run' });
    expect(created.__typename).toBe('TrainingJobPayload');
    expect(created.trainingJob.status).toBe('QUEUED');
    const states = await followJob(t, alice.token, created.trainingJob.id);
    const seen = states.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
    expect(seen).toEqual(['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED'].slice(['QUEUED', 'INITIALIZING', 'RUNNING'].indexOf(seen[0]!)));
    const last = states.at(-1);
    expect(last.progress).toBe(100);
    const steps = await db.metricPoint.findMany({ where: { jobId: rawId(created.trainingJob.id) }, orderBy: { step: 'asc' }, select: { step: true } });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: last.totalSteps }, (_, i) => i + 1));
    await costRecordsAddUp(created.trainingJob.id);
    const notifications = await db.notification.findMany({
      where: { ownerId: alice.id, type: { not: 'ARTIFACT_READY' }, metadata: { path: ['jobId'], equals: rawId(created.trainingJob.id) } },
    });
    expect(notifications.map((n) => n.type).sort()).toEqual(['JOB_COMPLETED', 'JOB_QUEUED', 'JOB_STARTED']);
  });
});

describe('typed errors', () => {
  it('reports every out-of-bounds hyperparameter and the GPU problems at once', async () => {
    const res = await createJob(t, alice.token, { datasetId, hyperparameters: { learningRate: 1, batchSize: 0, loraRank: 1000 }, gpu: { type: 'TPU', count: 3 } });
    expect(res.__typename).toBe('InvalidInputError');
    expect(res.problems.map((p: { path: string[] }) => p.path.join('.')).sort()).toEqual(
      ['gpu.count', 'gpu.type', 'hyperparameters.batchSize', 'hyperparameters.learningRate', 'hyperparameters.loraRank'].sort(),
    );
  });

  it("reports a bad cost cap and a bad name together with the plan's problems", async () => {
    const res = await createJob(t, alice.token, { datasetId, maxCostUsd: '-3', name: 'x'.repeat(201), presetId: 'turbo', gpu: { type: 'TPU', count: 1 } });
    expect(res.__typename).toBe('InvalidInputError');
    expect(res.problems.map((p: { path: string[] }) => p.path.join('.')).sort()).toEqual(['gpu.type', 'maxCostUsd', 'name', 'presetId']);
    const capOnly = await createJob(t, alice.token, { datasetId, maxCostUsd: '0' });
    expect(capOnly.problems.map((p: { path: string[] }) => p.path.join('.'))).toEqual(['maxCostUsd']);
  });

  it("refuses someone else's dataset as not found", async () => {
    const bob = await createUser(t);
    const res = await createJob(t, bob.token, { datasetId });
    expect(res.__typename).toBe('NotFoundError');
  });

  it('returns the same job for a retried request with the same idempotency key', async () => {
    const first = await createJob(t, alice.token, { datasetId, idempotencyKey: 'job-key-1', name: 'idem' });
    const again = await createJob(t, alice.token, { datasetId, idempotencyKey: 'job-key-1', name: 'idem' });
    expect(again.trainingJob.id).toBe(first.trainingJob.id);
    await followJob(t, alice.token, first.trainingJob.id);
  });
});

describe('cancel and cost cap', () => {
  it('cancels a running job; a second cancel is harmless; cancelling a finished job is a typed error', async () => {
    const created = await createJob(t, alice.token, { datasetId, presetId: 'quality', name: 'to cancel' });
    const id = created.trainingJob.id;
    const CANCEL = 'mutation($id: ID!) { cancelTrainingJob(id: $id) { __typename ... on TrainingJobPayload { trainingJob { status cancelRequestedAt } } } }';
    const [a, b] = await Promise.all([t.gql(CANCEL, { id }, alice.token), t.gql(CANCEL, { id }, alice.token)]);
    expect(a.body.data.cancelTrainingJob.trainingJob.cancelRequestedAt).toBeTruthy();
    expect(b.body.data.cancelTrainingJob.__typename).toBe('TrainingJobPayload');
    const states = await followJob(t, alice.token, id);
    expect(states.at(-1).status).toBe('CANCELLED');
    const after = await t.gql(CANCEL, { id }, alice.token);
    expect(after.body.data.cancelTrainingJob.__typename).toBe('JobAlreadyFinishedError');
    const { job } = await costRecordsAddUp(id);
    const notes = await db.notification.count({ where: { ownerId: alice.id, type: 'JOB_CANCELLED', metadata: { path: ['jobId'], equals: job.id } } });
    expect(notes).toBe(1);
  });
});
