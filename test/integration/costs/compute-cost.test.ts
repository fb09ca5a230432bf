// Compute cost through the real API, queue and simulated GPU provider: however
// a job ends (completed, cancelled, failed, stopped at its cost cap), its
// cost records add up exactly to its final cost, which is the seconds it ran
// × the GPU type's rate (or the rate its provider priced it at) × the GPU count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accrueComputeCost, billedSeconds, settleComputeCost } from '../../../server/costs/compute-cost.js';
import { db, statementCounter } from '../../../server/db/client.js';
import type { GpuType } from '../../../server/gpu/provider.js';
import { gpuSecondsMicros, usdToMicros } from '../../../server/costs/money.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { createJob, followJob, jobRow, readyDataset } from '../../helpers/training.js';
import { graphql } from '../../gql/index.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

beforeAll(async () => {
  // 200 ms a step: the quality preset on 40 examples (25 steps) runs about 5 s, long enough to stop half-way.
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' }, { stepIntervalMs: 200 });
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token);
});
afterAll(() => t?.stop());

const CANCEL_JOB = graphql(`
  mutation ComputeCostCancelJob($id: ID!) {
    cancelTrainingJob(id: $id) { __typename }
  }
`);
const JOB_STATUS_UPDATED = graphql(`
  subscription ComputeCostJobUpdated($id: ID!) {
    trainingJobUpdated(id: $id) { status }
  }
`);

/** The job's records sum to its final cost, which is billed seconds × rate × count; returns the final cost in micro-dollars. */
async function chargedExactly(jobGid: string): Promise<bigint> {
  const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(jobGid) } });
  const records = await db.costRecord.findMany({ where: { jobId: job.id } });
  expect(records.every((r) => r.type === 'TRAINING_COMPUTE' && r.ownerId === alice.id)).toBe(true);
  expect(new Set(records.map((r) => r.dedupeKey)).size).toBe(records.length);
  const sum = records.reduce((acc, r) => acc + usdToMicros(r.amount.toFixed(6)), 0n);
  expect(job.finalCost).not.toBeNull();
  const final = usdToMicros(job.finalCost!.toFixed(6));
  expect(sum).toBe(final);
  expect(job.currentCost.toFixed(6)).toBe(job.finalCost!.toFixed(6));
  const seconds = job.startedAt ? billedSeconds(job.startedAt, job.completedAt!) : 0;
  expect(final).toBe(gpuSecondsMicros(job.gpuType as GpuType, job.gpuCount, seconds));
  // At most one settling record, whatever happened.
  expect(records.filter((r) => r.dedupeKey.endsWith(':compute:final')).length).toBeLessThanOrEqual(1);
  return final;
}

async function untilRunning(jobGid: string): Promise<void> {
  await wsCollect(t.ws(alice.token), JOB_STATUS_UPDATED, { id: jobGid }, (r) =>
    ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].includes(r.at(-1)?.trainingJobUpdated.status ?? ''),
  );
}

describe('compute cost records add up to the final cost', () => {
  it('for a completed job on 2 GPUs', async () => {
    const created = await createJob(t, alice.token, { datasetId, name: 'completed ×2', gpu: { type: 'H100-80GB', count: 2 } });
    expect((await followJob(t, alice.token, created.trainingJob.id)).at(-1).status).toBe('COMPLETED');
    expect(await chargedExactly(created.trainingJob.id)).toBeGreaterThan(0n);
  });

  it('for a job cancelled while running: charged the seconds it ran, not the estimate', async () => {
    const created = await createJob(t, alice.token, { datasetId, presetId: 'quality', name: 'cancelled' });
    const id = created.trainingJob.id;
    await untilRunning(id);
    await new Promise((r) => setTimeout(r, 1000));
    await t.gqlData(CANCEL_JOB, { id }, alice.token);
    expect((await followJob(t, alice.token, id)).at(-1).status).toBe('CANCELLED');
    const final = await chargedExactly(id);
    expect(final).toBeGreaterThan(0n);
    expect(final).toBeLessThan(usdToMicros(created.trainingJob.estimatedCost));
  });

  it('for a job the provider failed at step 5', async () => {
    t.gpu!.setFaults({ failAtStep: 5 });
    let id: string;
    try {
      const created = await createJob(t, alice.token, { datasetId, presetId: 'quality', name: 'failed', gpu: { type: 'V100-32GB', count: 4 } });
      id = created.trainingJob.id;
      const last = (await followJob(t, alice.token, id)).at(-1);
      expect(last.status).toBe('FAILED');
      expect(last.errorCode).toBe('TRAINING_DIVERGED');
    } finally {
      t.gpu!.setFaults({});
    }
    expect(await chargedExactly(id)).toBeGreaterThan(0n);
    // A failed job has no model.
    expect(await db.modelArtifact.count({ where: { jobId: rawId(id) } })).toBe(0);
  });

  it('for a job stopped at its cost cap', async () => {
    const created = await createJob(t, alice.token, { datasetId, presetId: 'quality', name: 'capped', maxCostUsd: '0.001' });
    const id = created.trainingJob.id;
    const last = (await followJob(t, alice.token, id)).at(-1);
    expect(last.status).toBe('CANCELLED');
    expect(last.costCapReachedAt).toBeTruthy();
    expect(await chargedExactly(id)).toBeGreaterThanOrEqual(usdToMicros('0.001'));
  });

  it('for a job cancelled before it started: nothing', async () => {
    const created = await createJob(t, alice.token, { datasetId, name: 'never ran' });
    const id = created.trainingJob.id;
    await t.gqlData(CANCEL_JOB, { id }, alice.token);
    const last = (await followJob(t, alice.token, id)).at(-1);
    expect(last.status).toBe('CANCELLED');
    const job = await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(id) } });
    if (!job.startedAt) expect(await chargedExactly(id)).toBe(0n);
    else await chargedExactly(id); // the provider had already started it: still exact
  });

  it('accrues in one SQL statement, recording only what is new each time', async () => {
    const startedAt = new Date(Date.now() - 10_400);
    const job = await db.trainingJob.create({ data: { ...jobRow(alice.id, rawId(datasetId), 'RUNNING'), startedAt } });
    let fewest = Infinity;
    let cost = 0n;
    for (const later of [0, 1_000, 2_000]) {
      const before = statementCounter.count;
      cost = await accrueComputeCost(job, new Date(startedAt.getTime() + 10_400 + later));
      fewest = Math.min(fewest, statementCounter.count - before);
    }
    expect(fewest).toBe(1);
    expect(cost).toBe(gpuSecondsMicros('A100-80GB', 2, 13));
    const row = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(usdToMicros(row.currentCost.toFixed(6))).toBe(cost);
    const records = await db.costRecord.findMany({ where: { jobId: job.id } });
    expect(records).toHaveLength(3);
    expect(records.reduce((sum, r) => sum + usdToMicros(r.amount.toFixed(6)), 0n)).toBe(cost);
  });

  it('settles in the transaction that ends the job: records made up to the final cost, even after an accrual billed past the end', async () => {
    const startedAt = new Date(Date.now() - 20_000);
    const job = await db.trainingJob.create({ data: { ...jobRow(alice.id, rawId(datasetId), 'RUNNING'), startedAt } });
    // A poll that billed 13 s, then the end at 10.2 s (11 billed seconds): the settlement takes back the difference.
    const accrued = await accrueComputeCost(job, new Date(startedAt.getTime() + 12_500));
    expect(accrued).toBe(gpuSecondsMicros('A100-80GB', 2, 13));
    const endedAt = new Date(startedAt.getTime() + 10_200);
    const final = await db.$transaction(async (tx) => {
      await tx.trainingJob.update({ where: { id: job.id }, data: { status: 'COMPLETED', completedAt: endedAt } });
      return settleComputeCost(tx, { ...job, billedUntil: new Date(startedAt.getTime() + 13_000) }, endedAt);
    });
    expect(usdToMicros(final)).toBe(gpuSecondsMicros('A100-80GB', 2, 11));
    const row = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(usdToMicros(row.finalCost!.toFixed(6))).toBe(usdToMicros(final));
    expect(usdToMicros(row.currentCost.toFixed(6))).toBe(usdToMicros(final));
    const records = await db.costRecord.findMany({ where: { jobId: job.id }, orderBy: { dedupeKey: 'asc' } });
    expect(records.map((r) => r.dedupeKey)).toEqual([`job:${job.id}:compute:13`, `job:${job.id}:compute:final`]);
    expect(records.map((r) => (r.details as { final?: boolean }).final ?? false)).toEqual([false, true]);
    // The settlement's record is negative: the 2 seconds the poll billed past the end, taken back.
    const micros = records.map((r) => BigInt(r.amount.times(1_000_000).toFixed(0)));
    expect(micros[1]).toBe(-gpuSecondsMicros('A100-80GB', 2, 2));
    expect(micros[0]! + micros[1]!).toBe(usdToMicros(final));
    // Settled twice (a retried transition): nothing more is recorded.
    await db.$transaction((tx) => settleComputeCost(tx, job, endedAt));
    expect(await db.costRecord.count({ where: { jobId: job.id } })).toBe(2);
    // A late poll changes nothing.
    expect(await accrueComputeCost(job, new Date(startedAt.getTime() + 15_000))).toBe(usdToMicros(final));
    expect(await db.costRecord.count({ where: { jobId: job.id } })).toBe(2);
  });

  it("for a job priced by its provider (local training's rate): that rate × count, not the catalog's", async () => {
    const startedAt = new Date(Date.now() - 10_400);
    const job = await db.trainingJob.create({ data: { ...jobRow(alice.id, rawId(datasetId), 'RUNNING'), gpuHourlyRateUsd: '1.2', startedAt } });
    const accrued = await accrueComputeCost(job, new Date());
    const endedAt = new Date(startedAt.getTime() + 20_500);
    const final = await db.$transaction((tx) => settleComputeCost(tx, job, endedAt));
    // 21 started seconds × 2 GPUs × 1.20 USD an hour.
    expect(usdToMicros(final)).toBe((21n * 2n * 1_200_000n + 1800n) / 3600n);
    expect(usdToMicros(final)).not.toBe(gpuSecondsMicros('A100-80GB', 2, 21));
    expect(accrued).toBe((11n * 2n * 1_200_000n + 1800n) / 3600n);
    const records = await db.costRecord.findMany({ where: { jobId: job.id } });
    expect(records.reduce((sum, r) => sum + usdToMicros(r.amount.toFixed(6)), 0n)).toBe(usdToMicros(final));
  });
});
