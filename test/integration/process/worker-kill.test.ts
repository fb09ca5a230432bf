// A worker is killed with SIGKILL while it validates a large dataset, or while it copies a model; another worker
// picks the work up (the queue job's heartbeat stops) and it ends READY or STORED within a minute, not after the
// queue job's hour-long expiry.
import { afterAll, expect, it } from 'vitest';
import { CONFIRM_UPLOAD, chatExample, createDatasetFor, jsonl, put } from '../../helpers/datasets.js';
import { createJob, readyDataset } from '../../helpers/training.js';
import { openDatabase, rawId, until, useProcesses } from '../../helpers/processes.js';

const procs = useProcesses();
const database = openDatabase(procs.databaseUrl);
afterAll(() => database.close());

/** Whether a queue job of `queue` for this key is running now (a retry of it, with `retried`). */
async function running(queue: string, key: string, retried = false): Promise<boolean> {
  const { rows } = await database.pool.query(
    `SELECT 1 FROM ${procs.queueSchema}.job WHERE name = $1 AND singleton_key = $2 AND state = 'active' AND ($3 = false OR retry_count > 0)`,
    [queue, key, retried],
  );
  return rows.length > 0;
}

it('finishes the validation a killed worker held, on another worker, within a minute', async () => {
  const gpu = await procs.startSimulator();
  const api = await procs.startServer({ ROLE: 'api', SIMULATED_GPU_URL: gpu.url }, { name: 'api' });
  const workerEnv = { ROLE: 'worker', SIMULATED_GPU_URL: gpu.url, PUBLIC_URL: api.url } as const;
  const first = await procs.startServer(workerEnv, { name: 'worker-1' });
  const alice = await procs.createUser(api);

  // About 25 MB: several seconds of validation, long enough to die in the middle of.
  const file = jsonl(Array.from({ length: 100_000 }, (_, i) => chatExample(i)));
  const { dataset, upload } = await createDatasetFor(api.asTestApp(), alice.token, file);
  expect((await put(upload, file)).ok).toBe(true);
  expect((await api.gql(CONFIRM_UPLOAD, { id: dataset.id }, alice.token)).body.data?.confirmDatasetUpload.__typename).toBe('DatasetPayload');
  const id = rawId(dataset.id);

  await until('the validation to run on worker-1', () => running('dataset-validate', id), 30_000, 10);
  await first.kill('SIGKILL');
  const killedAt = Date.now();
  expect((await database.db.dataset.findUniqueOrThrow({ where: { id } })).status).toBe('VALIDATING');

  const second = await procs.startServer(workerEnv, { name: 'worker-2' });
  const workerUp = (Date.now() - killedAt) / 1000;
  // The dead worker's run fails by its missed heartbeat, and the retry starts on worker-2.
  await until('the validation to run again', () => running('dataset-validate', id, true), 60_000, 100);
  const pickedUp = (Date.now() - killedAt) / 1000;
  const ready = await until(
    'the dataset to be validated',
    async () => {
      const row = await database.db.dataset.findUniqueOrThrow({ where: { id } });
      return row.status !== 'VALIDATING' && row;
    },
    90_000,
    250,
  );
  const finished = (Date.now() - killedAt) / 1000;
  console.info(`[worker-kill] after the kill: worker-2 up at ${workerUp.toFixed(1)} s, validation running again at ${pickedUp.toFixed(1)} s, READY at ${finished.toFixed(1)} s`);
  expect(ready.status).toBe('READY');
  expect(pickedUp).toBeLessThan(45);
  // Its workers would take the next test's queue jobs to this test's simulator.
  await Promise.all([second.kill(), api.kill(), gpu.kill()]);
}, 240_000);

it('stores the model a killed worker was copying, on another worker, within a minute', async () => {
  const gpu = await procs.startSimulator({ stepIntervalMs: 10 });
  const api = await procs.startServer({ ROLE: 'api', SIMULATED_GPU_URL: gpu.url }, { name: 'api' });
  const workerEnv = { ROLE: 'worker', SIMULATED_GPU_URL: gpu.url, PUBLIC_URL: api.url, POLL_INTERVAL_SECONDS: '1' } as const;
  const first = await procs.startServer(workerEnv, { name: 'worker-1' });
  const alice = await procs.createUser(api);
  const datasetId = await readyDataset(api.asTestApp(), alice.token, 12);

  // Each file download answers 20 s late: the copy is under way long enough to die in.
  await gpu.setFaults({ artifactDelayMs: 20_000 });
  const created = await createJob(api.asTestApp(), alice.token, { datasetId, name: 'copy survives', hyperparameters: { batchSize: 4, epochs: 1 } });
  const jobId = rawId(created.trainingJob.id);
  await until('the model copy to run on worker-1', () => running('artifact-create', jobId), 60_000, 50);
  await first.kill('SIGKILL');
  const killedAt = Date.now();
  await gpu.setFaults({});

  await procs.startServer(workerEnv, { name: 'worker-2' });
  const artifact = await until(
    'the model to be stored',
    async () => {
      const row = await database.db.modelArtifact.findUnique({ where: { jobId } });
      return row && row.status !== 'PENDING' && row;
    },
    90_000,
    250,
  );
  const seconds = (Date.now() - killedAt) / 1000;
  console.info(`[worker-kill] model ${artifact.status} ${seconds.toFixed(1)} s after worker-1 was killed mid-copy`);
  expect(artifact.status).toBe('STORED');
  expect(seconds).toBeLessThan(60);
}, 240_000);
