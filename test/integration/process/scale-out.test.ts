// Scale-out across processes: two API processes and one worker on one
// database. Callbacks land on API A; a subscriber on API B still sees every
// step once, live, and the job's states, through PostgreSQL LISTEN/NOTIFY.
// pg-boss does each piece of work once in effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, readyDataset } from '../../helpers/training.js';
import { collectSubscription, oneToN, openDatabase, rawId, useProcesses, type ServerProcess, type SimulatorProcess } from '../../helpers/processes.js';
import type { TestUser } from '../../helpers/factories.js';
import { graphql } from '../../gql/index.js';

const procs = useProcesses();
const database = openDatabase(procs.databaseUrl);
afterAll(() => database.close());

let gpu: SimulatorProcess;
let apiA: ServerProcess;
let apiB: ServerProcess;
let worker: ServerProcess;
let alice: TestUser;

const METRICS = graphql(`
  subscription ScaleOutMetrics($jobId: ID!) {
    trainingMetrics(jobId: $jobId) { lastStep points { step } }
  }
`);
const UPDATES = graphql(`
  subscription ScaleOutUpdates($id: ID!) {
    trainingJobUpdated(id: $id) { status currentStep totalSteps }
  }
`);
const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

beforeAll(async () => {
  gpu = await procs.startSimulator({ stepIntervalMs: 25, batchSize: 5 });
  // Started together, as a deployment would: migrations and pg-boss queue creation must tolerate it.
  [apiA, apiB] = await Promise.all([
    procs.startServer({ ROLE: 'api', SIMULATED_GPU_URL: gpu.url }, { name: 'api-A' }),
    procs.startServer({ ROLE: 'api', SIMULATED_GPU_URL: gpu.url }, { name: 'api-B' }),
  ]);
  // The worker signs callback URLs with its PUBLIC_URL: the provider calls back API A.
  worker = await procs.startServer({ ROLE: 'worker', SIMULATED_GPU_URL: gpu.url, PUBLIC_URL: apiA.url, POLL_INTERVAL_SECONDS: '1' }, { name: 'worker' });
  alice = await procs.createUser(apiA);
});

describe('two API processes and a worker on one database', () => {
  it('has the worker answer /healthz and /metrics, and nothing else', async () => {
    const base = `http://127.0.0.1:${worker.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await fetch(`${base}/metrics`).then((r) => r.text())).toContain('brightrun_metric_points_ingested_total');
    expect((await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status).toBe(404);
  });

  it('serves a job created on A, called back on A, to a subscriber on B: every step once, in order, live', async () => {
    const datasetId = await readyDataset(apiA.asTestApp(), alice.token, 40);
    const created = await createJob(apiA.asTestApp(), alice.token, { datasetId, name: 'scale-out', hyperparameters: { batchSize: 1, epochs: 5 } });
    expect(created.__typename).toBe('TrainingJobPayload');
    const id: string = created.trainingJob.id;

    const [updates, batches] = await Promise.all([
      collectSubscription(apiB.ws(alice.token), UPDATES, { id }, { done: (all) => TERMINAL.includes(all.at(-1)!.trainingJobUpdated.status) }),
      collectSubscription(apiB.ws(alice.token), METRICS, { jobId: id }),
    ]);

    const final = updates.at(-1)!.data.trainingJobUpdated;
    expect(final.status).toBe('COMPLETED');
    const statuses = updates.map((u) => u.data.trainingJobUpdated.status).filter((s, i, all) => s !== all[i - 1]);
    const order = ['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED'];
    expect(statuses).toEqual(order.slice(order.indexOf(statuses[0]!)));
    // B saw progress while the job ran, not just its first and last state.
    expect(updates.filter((u) => u.data.trainingJobUpdated.status === 'RUNNING').length).toBeGreaterThan(3);

    const steps = batches.flatMap((b) => b.data.trainingMetrics.points.map((p) => p.step));
    expect(steps).toEqual(oneToN(final.totalSteps));
    // Live, not a replay at the end (nor B's 5 s fallback re-read): many small batches, arriving
    // before B learnt that the job had completed.
    const completedAt = updates.find((u) => u.data.trainingJobUpdated.status === 'COMPLETED')!.at;
    const liveSteps = batches.filter((b) => b.at < completedAt).flatMap((b) => b.data.trainingMetrics.points);
    expect(batches.length).toBeGreaterThan(final.totalSteps / 20);
    expect(liveSteps.length).toBeGreaterThan(final.totalSteps / 2);

    // pg-boss work done once in effect: one submission, one provider job, one completion notice.
    const jobId = rawId(id);
    const job = await database.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(gpu.submissions(jobId)).toBe(1);
    const submitLine = JSON.parse(gpu.lines().find((l) => l.includes('simulated job submitted') && l.includes(jobId))!);
    expect(job.externalJobId).toBe(submitLine.externalId);
    const { rows: submits } = await database.pool.query(`SELECT state FROM ${procs.queueSchema}.job WHERE name = 'training-submit' AND data->>'jobId' = $1`, [jobId]);
    expect(submits).toEqual([{ state: 'completed' }]);
    const notifications = await database.db.notification.findMany({ where: { ownerId: alice.id, type: { not: 'ARTIFACT_READY' }, metadata: { path: ['jobId'], equals: jobId } } });
    expect(notifications.map((n) => n.type).sort()).toEqual(['JOB_COMPLETED', 'JOB_QUEUED', 'JOB_STARTED']);
    const points = await database.db.metricPoint.findMany({ where: { jobId }, select: { step: true }, orderBy: { step: 'asc' } });
    expect(points.map((p) => p.step)).toEqual(oneToN(final.totalSteps));
  });
});
