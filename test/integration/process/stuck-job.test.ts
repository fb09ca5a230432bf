// A provider that stops reporting (the job hangs after step 5 but still says
// RUNNING): past the heartbeat timeout the job is FAILED with
// PROVIDER_UNRESPONSIVE, its owner is told, and the run is cancelled at the provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../../helpers/factories.js';
import { oneToN, openDatabase, rawId, useProcesses, type ServerProcess, type SimulatorProcess } from '../../helpers/processes.js';
import { createJob, followJob, readyDataset } from '../../helpers/training.js';

const HEARTBEAT_TIMEOUT_SECONDS = 5;

const procs = useProcesses();
const database = openDatabase(procs.databaseUrl);
afterAll(() => database.close());

let gpu: SimulatorProcess;
let server: ServerProcess;
let alice: TestUser;

beforeAll(async () => {
  // A simulator of this file's own: the fault is global to it.
  gpu = await procs.startSimulator({ stepIntervalMs: 30, batchSize: 5 });
  server = await procs.startServer({ SIMULATED_GPU_URL: gpu.url, HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_TIMEOUT_SECONDS), POLL_INTERVAL_SECONDS: '1' });
  alice = await procs.createUser(server);
});

describe('a job whose provider stops reporting', () => {
  it('fails with PROVIDER_UNRESPONSIVE after the heartbeat timeout, tells its owner and cancels the run', async () => {
    const datasetId = await readyDataset(server.asTestApp(), alice.token, 40);
    await gpu.setFaults({ hangAfterStep: 5 });
    const created = await createJob(server.asTestApp(), alice.token, { datasetId, name: 'hangs', hyperparameters: { batchSize: 1, epochs: 5 } });
    expect(created.__typename).toBe('TrainingJobPayload');
    const jobId = rawId(created.trainingJob.id);

    const states = await followJob(server.asTestApp(), alice.token, created.trainingJob.id, 45_000);
    const final = states.at(-1);
    expect(final).toMatchObject({ status: 'FAILED', errorCode: 'PROVIDER_UNRESPONSIVE', currentStep: 5 });
    expect(final.errorMessage).toMatch(/no progress/);

    // Not before the timeout: the last sign of life was step 5.
    const job = await database.db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    const lastPoint = await database.db.metricPoint.findFirstOrThrow({ where: { jobId }, orderBy: { step: 'desc' } });
    const silentSeconds = (job.completedAt!.getTime() - lastPoint.recordedAt.getTime()) / 1000;
    expect(silentSeconds).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_SECONDS);
    expect(silentSeconds).toBeLessThan(HEARTBEAT_TIMEOUT_SECONDS + 10);

    const stored = await database.db.metricPoint.findMany({ where: { jobId }, select: { step: true }, orderBy: { step: 'asc' } });
    expect(stored.map((p) => p.step)).toEqual(oneToN(5));
    const failed = await database.db.notification.findMany({ where: { ownerId: alice.id, type: 'JOB_FAILED', metadata: { path: ['jobId'], equals: jobId } } });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.priority).toBe('HIGH');
    await gpu.waitForLine(new RegExp(`"msg":"simulated job cancelled".*"externalId":"${job.externalJobId}"`), 5_000);
    console.info(`[stuck-job] failed ${silentSeconds.toFixed(1)} s after the last point (heartbeat timeout ${HEARTBEAT_TIMEOUT_SECONDS} s)`);
  });
});
