// Live metrics: every step reaches the subscriber exactly once and in order,
// across the switch from replay to live and across a reconnect with afterStep,
// even when the provider's callbacks are duplicated, reordered or dropped.
import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import type { MetricsPointFieldsFragment, MetricsStreamSubscription } from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, wsCollect, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

let t: TestApp;
let alice: TestUser;
let datasetId: string;
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

graphql(`
  fragment MetricsPointFields on MetricPoint {
    step epoch trainingLoss validationLoss learningRate gradNorm throughput tokensTrained gpuUtilization recordedAt
  }
`);
const METRICS = graphql(`
  subscription MetricsStream($jobId: ID!, $afterStep: Int) {
    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { lastStep points { ...MetricsPointFields } }
  }
`);
const STORED = graphql(`
  query MetricsStored($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10000) { ...MetricsPointFields } } }
`);
const SERIES = graphql(`
  query MetricsSeries($id: ID!) { trainingJob(id: $id) { metrics(maxPoints: 10) { step trainingLoss } } }
`);
const CANCEL = graphql(`mutation MetricsCancel($id: ID!) { cancelTrainingJob(id: $id) { __typename } }`);
const JOB_UPDATED = graphql(`subscription MetricsJobUpdated($id: ID!) { trainingJobUpdated(id: $id) { id } }`);

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' }, { stepIntervalMs: 15, callbackBatchSize: 5 });
  alice = await createUser(t);
  datasetId = await readyDataset(t, alice.token, 120);
});
afterEach(() => t.gpu!.setFaults({}));
afterAll(() => t?.stop());

/** Subscribes to a job's metrics until the stream completes; returns every step received, in order. */
async function collectSteps(jobId: string, afterStep = 0, stopAt?: number, subscriptionId?: string): Promise<number[]> {
  return (await collectPoints(jobId, afterStep, stopAt, subscriptionId)).map((p) => p.step);
}

/** Subscribes to a job's metrics until the stream completes (or passes stopAt); returns every point received, in order. */
function collectPoints(jobId: string, afterStep = 0, stopAt?: number, subscriptionId?: string): Promise<MetricsPointFieldsFragment[]> {
  return new Promise((resolve, reject) => {
    const points: MetricsPointFieldsFragment[] = [];
    const client = t.ws(alice.token, subscriptionId ? { generateID: () => subscriptionId } : undefined);
    const unsubscribe = client.subscribe<MetricsStreamSubscription>(
      { query: print(METRICS), variables: { jobId, afterStep } },
      {
        next: (value) => {
          if (value.errors) return reject(new Error(JSON.stringify(value.errors)));
          points.push(...(value.data?.trainingMetrics.points ?? []));
          if (stopAt !== undefined && points.at(-1)!.step >= stopAt) {
            unsubscribe();
            resolve(points);
          }
        },
        error: reject,
        complete: () => resolve(points),
      },
    );
    setTimeout(() => reject(new Error(`timed out with ${points.length} points`)), 60_000);
  });
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function storedSteps(jobGlobalId: string): Promise<number[]> {
  const rows = await db.metricPoint.findMany({ where: { jobId: rawId(jobGlobalId) }, select: { step: true }, orderBy: { step: 'asc' } });
  return rows.map((r) => r.step);
}

describe('trainingMetrics', () => {
  it('pushes every step exactly once, in order, from replay into live', async () => {
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'live' });
    const [points, states] = await Promise.all([collectPoints(trainingJob.id), followJob(t, alice.token, trainingJob.id)]);
    const total = states.at(-1).totalSteps;
    expect(states.at(-1).status).toBe('COMPLETED');
    expect(points.map((p) => p.step)).toEqual(oneToN(total));
    expect(await storedSteps(trainingJob.id)).toEqual(oneToN(total));
    // Live points go out as this process received them, not read back: they must equal what was stored.
    const stored = await t.gqlData(STORED, { id: trainingJob.id }, alice.token);
    expect(points).toEqual(stored.trainingJob?.metrics);
  });

  it('resumes after a disconnect with afterStep: no gap, no duplicate', async () => {
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'reconnect' });
    const first = await collectSteps(trainingJob.id, 0, 8);
    const rest = await collectSteps(trainingJob.id, first.at(-1)!);
    const total = (await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(trainingJob.id) } })).totalSteps;
    expect([...first, ...rest]).toEqual(oneToN(total));
  });

  it('survives duplicated, reordered and dropped callbacks: each step stored and pushed once', async () => {
    t.gpu!.setFaults({ duplicateRate: 0.5, reorder: true, dropRate: 0.3 });
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'faulty callbacks' });
    const [steps, states] = await Promise.all([collectSteps(trainingJob.id), followJob(t, alice.token, trainingJob.id)]);
    const total = states.at(-1).totalSteps;
    expect(states.at(-1).status).toBe('COMPLETED');
    expect(await storedSteps(trainingJob.id)).toEqual(oneToN(total));
    expect(steps).toEqual(oneToN(total));
  });

  it('serves a downsampled series that keeps the last point', async () => {
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'series' });
    const states = await followJob(t, alice.token, trainingJob.id);
    const points = (await t.gqlData(SERIES, { id: trainingJob.id }, alice.token)).trainingJob!.metrics;
    expect(points.length).toBeLessThanOrEqual(10);
    expect(points.at(-1)?.step).toBe(states.at(-1).totalSteps);
    expect(points.map((p) => p.step)).toEqual([...points.map((p) => p.step)].sort((a, b) => a - b));
  });

  it('lets subscribers at the same step share one execution per batch, each still getting every step once', async () => {
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'many tabs', hyperparameters: { batchSize: 1, epochs: 2 } });
    const before = { ...t.app.services.subscriptionResults.stats };
    const subscribers = await Promise.all([collectSteps(trainingJob.id), collectSteps(trainingJob.id), collectSteps(trainingJob.id)]);
    const total = (await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(trainingJob.id) } })).totalSteps;
    for (const steps of subscribers) expect(steps).toEqual(oneToN(total));
    const executions = t.app.services.subscriptionResults.stats.executions - before.executions;
    const deliveries = t.app.services.subscriptionResults.stats.deliveries - before.deliveries;
    const pushed = t.app.services.subscriptionResults.stats.pushed - before.pushed;
    expect(deliveries).toBeGreaterThan(30);
    // Unshared, three subscribers cost three executions per batch; only the first replays differ.
    expect(executions).toBeLessThan(deliveries / 2);
    // Caught up and waiting, they take live batches straight to their sockets, past the iterators.
    expect(pushed).toBeGreaterThan(deliveries / 2);
  });

  it('writes one frame per batch to every socket whose subscription has the same id', async () => {
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'same id tabs', hyperparameters: { batchSize: 1, epochs: 2 } });
    const before = { ...t.app.services.subscriptionResults.stats };
    const subscribers = await Promise.all([1, 2, 3].map(() => collectSteps(trainingJob.id, 0, undefined, 'metrics')));
    const total = (await db.trainingJob.findUniqueOrThrow({ where: { id: rawId(trainingJob.id) } })).totalSteps;
    for (const steps of subscribers) expect(steps).toEqual(oneToN(total));
    const pushed = t.app.services.subscriptionResults.stats.pushed - before.pushed;
    const frames = t.app.services.subscriptionResults.stats.frames - before.frames;
    expect(pushed).toBeGreaterThan(30);
    expect(frames).toBeGreaterThan(10);
    // Three sockets at the same step take the same bytes: one frame made per batch, not one per socket.
    expect(frames).toBeLessThan(pushed / 2);
  });

  it('lets a job go as soon as its last subscriber leaves, without waiting for another point', async () => {
    t.gpu!.setFaults({ hangAfterStep: 3 });
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'left while waiting' });
    const hub = t.app.services.metricFeeds;
    const watching = hub.activeSubscribers;
    const steps = await collectSteps(trainingJob.id, 0, 3);
    expect(steps).toEqual([1, 2, 3]);
    // No point comes after step 3; the subscriber that just unsubscribed must still be released.
    await expect.poll(() => hub.activeSubscribers, { timeout: 3000 }).toBe(watching);
    await t.gql(CANCEL, { id: trainingJob.id }, alice.token);
  });

  it("does not let another user subscribe to a job's metrics or updates", async () => {
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'private' });
    const bob = await createUser(t);
    await expect(wsCollect(t.ws(bob.token), METRICS, { jobId: trainingJob.id, afterStep: 0 }, () => true)).rejects.toThrow(/not found/i);
    await expect(wsCollect(t.ws(bob.token), JOB_UPDATED, { id: trainingJob.id }, () => true)).rejects.toThrow(/not found/i);
    await followJob(t, alice.token, trainingJob.id);
  });
});

describe('provider faults', () => {
  it('fails the job with the provider error when training fails at step N', async () => {
    t.gpu!.setFaults({ failAtStep: 6 });
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'diverges' });
    const states = await followJob(t, alice.token, trainingJob.id);
    expect(states.at(-1)).toMatchObject({ status: 'FAILED' });
    expect(states.at(-1).errorCode).toMatch(/TRAINING_DIVERGED|CUDA_OOM/);
    expect(await storedSteps(trainingJob.id)).toEqual(oneToN(5));
  });

  it('retries submission while the provider is down, then runs the job', async () => {
    t.gpu!.setFaults({ downForMs: 2500 });
    const { trainingJob } = await createJob(t, alice.token, { datasetId, name: 'provider down' });
    const states = await followJob(t, alice.token, trainingJob.id, 90_000);
    expect(states.at(-1).status).toBe('COMPLETED');
  });
});
