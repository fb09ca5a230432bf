// The server dies between the provider accepting a submission and the answer being recorded (the simulated
// provider holds its answer back; the server is killed with SIGKILL meanwhile). The provider run it left behind
// calls back late. The job must run once: the next attempt waits for that callback instead of submitting again.
import { afterAll, expect, it } from 'vitest';
import { openDatabase, rawId, until, useProcesses } from '../../helpers/processes.js';
import { createJob, readyDataset } from '../../helpers/training.js';

const procs = useProcesses();
const database = openDatabase(procs.databaseUrl);
afterAll(() => database.close());

it('runs a job once when the server died before recording its submission', async () => {
  const gpu = await procs.startSimulator({ stepIntervalMs: 20 });
  const server = await procs.startServer({ SIMULATED_GPU_URL: gpu.url, POLL_INTERVAL_SECONDS: '1' }, { name: 'server-1' });
  const alice = await procs.createUser(server);
  const datasetId = await readyDataset(server.asTestApp(), alice.token, 20);

  // Accepted at once, answered 8 s later; every callback 35 s late, longer than a dead worker's job takes to be retried.
  await gpu.setFaults({ submitAnswerDelayMs: 8_000, delayMs: 35_000 });
  const created = await createJob(server.asTestApp(), alice.token, { datasetId, name: 'submitted once', hyperparameters: { batchSize: 1, epochs: 1 } });
  expect(created.__typename).toBe('TrainingJobPayload');
  const jobId = rawId(created.trainingJob.id);
  await until('the provider to accept the job', async () => gpu.submissions(jobId) === 1, 30_000);
  const killed = await server.kill('SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  expect((await database.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } })).externalJobId).toBeNull();

  await procs.startServer(server.env, { name: 'server-2' });
  const done = await until(
    'the job to end',
    async () => {
      const job = await database.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status) && job;
    },
    150_000,
    500,
  );
  expect(done.status).toBe('COMPLETED');
  expect(gpu.submissions(jobId)).toBe(1);
  const submitted = JSON.parse(gpu.lines().find((l) => l.includes('simulated job submitted'))!) as { externalId: string };
  expect(done.externalJobId).toBe(submitted.externalId);
  expect(done.submitStartedAt).toBeNull();
}, 240_000);
