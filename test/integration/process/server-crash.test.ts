// The server is killed with SIGKILL in the middle of a run, at the worst
// moment (while it holds the job's pg-boss poll), and a new process takes its
// place (same database, secret and URL): the job carries on to COMPLETED with
// every step stored once; a subscriber on the new process should get every
// step once, and the new process should poll the job again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import type { TestUser } from '../../helpers/factories.js';
import { collectSubscription, oneToN, openDatabase, rawId, type Received, type ServerProcess, type SimulatorProcess, until, useProcesses } from '../../helpers/processes.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

const procs = useProcesses();
const database = openDatabase(procs.databaseUrl);
afterAll(() => database.close());

const METRICS = graphql(`
  subscription ServerCrashMetrics($jobId: ID!) {
    trainingMetrics(jobId: $jobId) { points { step } }
  }
`);

let gpu: SimulatorProcess;
let alice: TestUser;
/** What happened around the crash, measured once in beforeAll and examined by the tests. */
let run: {
  jobId: string;
  states: Awaited<ReturnType<typeof followJob>>;
  batches: Received<{ trainingMetrics: { points: { step: number }[] } }>[];
  storedAtKill: number;
  orphanPollId: string;
  killedAt: number;
  restartedAt: number;
  completedAt: number;
};

/** The job's pg-boss poll that is running right now, if any. */
async function activePoll(jobId: string): Promise<{ id: string; started_on: Date } | undefined> {
  const { rows } = await database.pool.query(`SELECT id, started_on FROM ${procs.queueSchema}.job WHERE name = 'training-poll' AND singleton_key = $1 AND state = 'active'`, [
    jobId,
  ]);
  return rows[0];
}

beforeAll(async () => {
  // 400 steps at 30 ms: about 12 s of training, long enough to die early in and go on after the restart.
  gpu = await procs.startSimulator({ stepIntervalMs: 30, batchSize: 5 });
  const server: ServerProcess = await procs.startServer({ SIMULATED_GPU_URL: gpu.url, POLL_INTERVAL_SECONDS: '1' }, { name: 'server-1' });
  alice = await procs.createUser(server);
  const datasetId = await readyDataset(server.asTestApp(), alice.token, 40);
  const created = await createJob(server.asTestApp(), alice.token, { datasetId, name: 'survives a crash', hyperparameters: { batchSize: 1, epochs: 10 } });
  if (created.__typename !== 'TrainingJobPayload') throw new Error(`createTrainingJob: ${JSON.stringify(created)}`);
  const jobId = rawId(created.trainingJob.id);

  await until('the job to be RUNNING with steps stored', async () => {
    const job = await database.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    return job.status === 'RUNNING' && (await database.db.metricPoint.count({ where: { jobId } })) >= 40;
  });
  const orphan = await until('a poll of the job to be running', () => activePoll(jobId), 15_000, 10);
  const died = await server.kill('SIGKILL');
  if (died.signal !== 'SIGKILL') throw new Error(`server-1 ended with ${JSON.stringify(died)}, not by SIGKILL`);
  const killedAt = Date.now();
  const storedAtKill = await database.db.metricPoint.count({ where: { jobId } });
  await new Promise((r) => setTimeout(r, 1500));

  // Same port, public URL, secret and database: the provider's callbacks and tokens reach the new process.
  const restarted = await procs.startServer(server.env, { name: 'server-2' });
  const restartedAt = Date.now();
  const [states, batches] = await Promise.all([
    followJob(restarted.asTestApp(), alice.token, created.trainingJob.id, 90_000),
    collectSubscription(restarted.ws(alice.token), METRICS, { jobId: created.trainingJob.id }, { timeoutMs: 90_000 }),
  ]);
  run = { jobId, states, batches, storedAtKill, orphanPollId: orphan.id, killedAt, restartedAt, completedAt: Date.now() };
  console.info(
    `[server-crash] killed at step ${storedAtKill}; new server serving ${((restartedAt - killedAt) / 1000).toFixed(1)} s after the kill; ` +
      `COMPLETED ${((run.completedAt - restartedAt) / 1000).toFixed(1)} s later; the provider gave up on ${gpu.lines().filter((l) => l.includes('callback given up')).length} deliveries`,
  );
}, 120_000);

describe('SIGKILL mid-run, then a new server process', () => {
  it('continues the job to COMPLETED with every step stored once, without resubmitting it', async () => {
    const final = run.states.at(-1);
    expect(final.status).toBe('COMPLETED');
    expect(run.storedAtKill).toBeLessThan(final.totalSteps / 2); // it really died early in the run
    const stored = await database.db.metricPoint.findMany({ where: { jobId: run.jobId }, select: { step: true }, orderBy: { step: 'asc' } });
    expect(stored.map((p) => p.step)).toEqual(oneToN(final.totalSteps));
    expect(gpu.submissions(run.jobId)).toBe(1);
    const notifications = await database.db.notification.findMany({
      where: { ownerId: alice.id, type: { not: 'ARTIFACT_READY' }, metadata: { path: ['jobId'], equals: run.jobId } },
    });
    expect(notifications.map((n) => n.type).sort()).toEqual(['JOB_COMPLETED', 'JOB_QUEUED', 'JOB_STARTED']);
  });

  // After the outage the provider retries its deliveries out of order: the subscriber must still get every step
  // once, in order (a gap is held for the steps that fill it, not skipped).
  it('pushes every step once, in order, to a subscriber on the new process', () => {
    const final = run.states.at(-1);
    expect(run.batches.flatMap((b) => b.data.trainingMetrics.points.map((p) => p.step))).toEqual(oneToN(final.totalSteps));
  });
});
