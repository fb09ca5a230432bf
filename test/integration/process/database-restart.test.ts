// PostgreSQL stopped and started again (same data, same port) in the middle
// of a run: the server reports the outage on /healthz, serves again once the
// database is back, and the job still reaches COMPLETED with every step stored
// once. Runs on a PostgreSQL of its own: the shared test database is never restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import type { TestUser } from '../../helpers/factories.js';
import { collectSubscription, type DatabaseProcess, oneToN, openDatabase, rawId, type ServerProcess, type SimulatorProcess, until, useProcesses } from '../../helpers/processes.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

const procs = useProcesses();
let postgres: DatabaseProcess;
let database: ReturnType<typeof openDatabase>;
let gpu: SimulatorProcess;
let server: ServerProcess;
let alice: TestUser;

const METRICS = graphql(`
  subscription RestartMetrics($jobId: ID!, $afterStep: Int) {
    trainingMetrics(jobId: $jobId, afterStep: $afterStep) { points { step } }
  }
`);

const ME = graphql(`query RestartMe { me { id } }`);

async function health(): Promise<number> {
  try {
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

let run: {
  jobId: string;
  totalSteps: number;
  finalStatus: string;
  storedAtStop: number;
  healthDuringOutage: number;
  healthyAfterMs: number;
  steps: number[];
  resumes: number | string;
};

/**
 * Metric steps as a client gets them: one subscription opened before the outage, resumed with
 * afterStep (as the web client does) if the server ends it, once the server is healthy again.
 */
async function followMetrics(jobGlobalId: string): Promise<{ steps: number[]; resumes: number }> {
  const steps: number[] = [];
  for (let resumes = 0; ; resumes++) {
    try {
      await collectSubscription(
        server.ws(alice.token),
        METRICS,
        { jobId: jobGlobalId, afterStep: steps.at(-1) ?? 0 },
        { timeoutMs: 90_000, onResult: (batch) => steps.push(...batch.trainingMetrics.points.map((p) => p.step)) },
      );
      return { steps, resumes };
    } catch (err) {
      if (resumes >= 3) throw err;
      await until('/healthz to answer 200 before resuming', async () => (await health()) === 200, 30_000);
    }
  }
}

beforeAll(async () => {
  postgres = await procs.startDatabase();
  database = openDatabase(postgres.url);
  gpu = await procs.startSimulator({ stepIntervalMs: 30, batchSize: 5 });
  server = await procs.startServer({ DATABASE_URL: postgres.url, SIMULATED_GPU_URL: gpu.url, POLL_INTERVAL_SECONDS: '1' });
  alice = await procs.createUser(server);
  const datasetId = await readyDataset(server.asTestApp(), alice.token, 40);
  const created = await createJob(server.asTestApp(), alice.token, { datasetId, name: 'survives a database restart', hyperparameters: { batchSize: 1, epochs: 10 } });
  if (created.__typename !== 'TrainingJobPayload') throw new Error(`createTrainingJob: ${JSON.stringify(created)}`);
  const jobId = rawId(created.trainingJob.id);

  // Subscribed before the outage.
  const metrics = followMetrics(created.trainingJob.id);
  metrics.catch(() => {}); // awaited below

  await until('the job to be RUNNING with steps stored', async () => {
    const job = await database.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    return job.status === 'RUNNING' && (await database.db.metricPoint.count({ where: { jobId } })) >= 40;
  });
  const storedAtStop = await database.db.metricPoint.count({ where: { jobId } });
  await postgres.stop();
  const stoppedAt = Date.now();
  await new Promise((r) => setTimeout(r, 1000));
  const healthDuringOutage = await health();
  await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 2000 - Date.now())));
  await postgres.start();
  const startedAt = Date.now();
  await until('/healthz to answer 200 again', async () => (await health()) === 200, 30_000);
  const healthyAfterMs = Date.now() - startedAt;

  const states = await followJob(server.asTestApp(), alice.token, created.trainingJob.id, 90_000);
  // The subscriber's fate is examined by its own test: it must not fail the scenario.
  const { steps, resumes } = await metrics.catch((err: Error) => ({ steps: [] as number[], resumes: `failed: ${err.message}` }));
  run = { jobId, totalSteps: states.at(-1).totalSteps, finalStatus: states.at(-1).status, storedAtStop, healthDuringOutage, healthyAfterMs, steps, resumes };
  console.info(
    `[database-restart] stopped at step ${storedAtStop}/${run.totalSteps} for ${((startedAt - stoppedAt) / 1000).toFixed(1)} s; ` +
      `/healthz 200 again ${healthyAfterMs} ms after the restart; the metrics subscription was resumed ${resumes} time(s)`,
  );
}, 120_000);

afterAll(() => database?.close());

describe('PostgreSQL restarted mid-run', () => {
  it('reports the outage on /healthz and serves again once the database is back', async () => {
    expect(run.healthDuringOutage).toBe(503);
    expect(run.healthyAfterMs).toBeLessThan(10_000);
    const me = await server.gql(ME, {}, alice.token);
    expect(me.body.data?.me.id).toBeTruthy();
  });

  it('completes the job with every step stored once', async () => {
    expect(run.finalStatus).toBe('COMPLETED');
    expect(run.storedAtStop).toBeLessThan(run.totalSteps / 2);
    const stored = await database.db.metricPoint.findMany({ where: { jobId: run.jobId }, select: { step: true }, orderBy: { step: 'asc' } });
    expect(stored.map((p) => p.step)).toEqual(oneToN(run.totalSteps));
    expect(gpu.submissions(run.jobId)).toBe(1);
    const notifications = await database.db.notification.findMany({
      where: { ownerId: alice.id, type: { not: 'ARTIFACT_READY' }, metadata: { path: ['jobId'], equals: run.jobId } },
    });
    expect(notifications.map((n) => n.type).sort()).toEqual(['JOB_COMPLETED', 'JOB_QUEUED', 'JOB_STARTED']);
  });

  // Announcements published while the LISTEN connection was down are lost: the feed forgets its ring when the
  // listener reconnects, and reads a hole in the ring from the database, so no stored step is skipped.
  it('gives a subscriber every step once, in order (resuming with afterStep if the outage ended its subscription)', () => {
    expect(run.steps).toEqual(oneToN(run.totalSteps));
  });
});
