// Callbacks are the primary path: a job whose callbacks moved it since its last poll is next polled at the slow
// safety-net interval, a silent one (nothing since its last poll) on time. Asserted on the poll the queue holds
// (its start time and payload), not on wall-clock timing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, pool } from '../../../server/db/client.js';
import type { GpuProvider, ProviderStatus } from '../../../server/gpu/provider.js';
import { createLogger } from '../../../server/log.js';
import { applyProviderReport } from '../../../server/training/apply-report.js';
import { CALLBACK_BACKOFF, pollJob, schedulePoll } from '../../../server/training/poll-provider.js';
import type { Services } from '../../../server/services/services.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { jobRow, readyDataset } from '../../helpers/training.js';

const INTERVAL = 2;
let t: TestApp;
let alice: TestUser;
let datasetId: string;
let services: Services;
const log = createLogger('silent');

beforeAll(async () => {
  t = await startTestApp({ POLL_INTERVAL_SECONDS: String(INTERVAL) });
  alice = await createUser(t);
  datasetId = Buffer.from(await readyDataset(t, alice.token, 12), 'base64')
    .toString()
    .split(':')[1]!;
  // The provider answers what the job's row already says: a poll finds nothing new, as when callbacks keep up.
  const real = t.app.services.gpu;
  const gpu: GpuProvider = Object.assign(Object.create(real) as GpuProvider, {
    async status(externalId: string): Promise<ProviderStatus> {
      const job = await db.trainingJob.findFirstOrThrow({ where: { externalJobId: externalId } });
      const { currentStep: step, totalSteps } = job;
      return {
        externalId,
        state: 'RUNNING',
        stage: 'TRAINING',
        step,
        totalSteps,
        epoch: 0,
        totalEpochs: 1,
        points: [],
        artifacts: [],
        error: null,
        startedAt: null,
        finishedAt: null,
      };
    },
  });
  services = { ...t.app.services, gpu };
});
afterAll(() => t?.stop());

async function runningJob() {
  const startedAt = new Date(Date.now() - 10_000);
  return db.trainingJob.create({
    data: {
      ...jobRow(alice.id, datasetId, 'RUNNING'),
      stage: 'TRAINING',
      currentStep: 1,
      totalSteps: 1000,
      externalJobId: `sim-${randomUUID()}`,
      startedAt,
      lastHeartbeatAt: startedAt,
    },
  });
}

function callback(job: { id: string; externalJobId: string | null }, step: number) {
  const point = {
    step,
    epoch: 0,
    trainingLoss: 1,
    validationLoss: null,
    learningRate: 1e-4,
    gradNorm: 1,
    throughput: 100,
    tokensTrained: step * 10,
    gpuUtilization: 90,
    recordedAt: new Date().toISOString(),
  };
  const report = { state: 'RUNNING' as const, stage: 'TRAINING' as const, step, totalSteps: 1000, epoch: 0, points: [point], artifacts: [], error: null };
  return applyProviderReport(services, job.id, report, { deliveryId: `${job.externalJobId}:${step}`, externalId: job.externalJobId! });
}

/** The poll the queue holds for the job: seconds from now until it is due, and what it carries. */
async function queuedPoll(jobId: string) {
  const { rows } = await pool.query<{ due: number; priority: number; data: { heartbeatAt?: number | null } }>(
    `SELECT extract(epoch FROM start_after - now())::float8 AS due, priority, data FROM ${t.config.database.queueSchema}.job
     WHERE name = 'training-poll' AND singleton_key = $1 AND state = 'created'`,
    [jobId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Takes the queued poll away, so the next schedulePoll queues a fresh one (the queue holds one per job). */
async function clearPoll(jobId: string) {
  await pool.query(`DELETE FROM ${t.config.database.queueSchema}.job WHERE name = 'training-poll' AND singleton_key = $1`, [jobId]);
}

/** One poll as the queue's handler runs it: poll, then queue the next. */
async function pollOnce(jobId: string, seenHeartbeatAt: number | null) {
  const next = await pollJob(services, jobId, log, seenHeartbeatAt);
  expect(next).not.toBeNull();
  await schedulePoll(services, jobId, next!.inSeconds, next!.heartbeatAt);
  return next!;
}

describe('poll backoff', () => {
  it('polls a job whose callbacks arrive at the safety-net interval, and a silent one on time', async () => {
    const [talking, silent] = [await runningJob(), await runningJob()];
    // The first poll knows nothing of earlier polls (after a submit or a reconcile): on time.
    const first = await pollOnce(talking.id, null);
    expect(first.inSeconds).toBe(INTERVAL);
    expect(first.heartbeatAt).toBe(talking.lastHeartbeatAt!.getTime());
    const queued = await queuedPoll(talking.id);
    expect(queued.data.heartbeatAt).toBe(first.heartbeatAt);
    expect(queued.due).toBeGreaterThan(INTERVAL - 1);
    expect(queued.due).toBeLessThanOrEqual(INTERVAL);
    expect(queued.priority).toBe(1);
    await clearPoll(talking.id);

    // Callbacks moved the job since that poll: the next one is the slow safety net.
    await callback(talking, 2);
    await callback(talking, 3);
    const backedOff = await pollOnce(talking.id, queued.data.heartbeatAt!);
    expect(backedOff.inSeconds).toBe(INTERVAL * CALLBACK_BACKOFF);
    const slow = await queuedPoll(talking.id);
    expect(slow.due).toBeGreaterThan(INTERVAL * CALLBACK_BACKOFF - 1);
    expect(slow.due).toBeLessThanOrEqual(INTERVAL * CALLBACK_BACKOFF);
    // When polls fall behind, the safety net waits for the jobs that need theirs on time.
    expect(slow.priority).toBe(0);
    await clearPoll(talking.id);

    // Then the callbacks stop: the poll after is on time again.
    const quiet = await pollOnce(talking.id, slow.data.heartbeatAt!);
    expect(quiet.inSeconds).toBe(INTERVAL);
    expect((await queuedPoll(talking.id)).due).toBeLessThanOrEqual(INTERVAL);
    await clearPoll(talking.id);

    // A job that never called back is polled on time, poll after poll.
    let seen: number | null = null;
    for (let i = 0; i < 3; i++) {
      const next = await pollOnce(silent.id, seen);
      expect(next.inSeconds).toBe(INTERVAL);
      const queuedSilent = await queuedPoll(silent.id);
      expect(queuedSilent.due).toBeLessThanOrEqual(INTERVAL);
      expect(queuedSilent.priority).toBe(1);
      await clearPoll(silent.id);
      seen = next.heartbeatAt;
    }
  });

  it('still polls a called-back job before its cost cap is reached, not at the safety net', async () => {
    const job = await runningJob();
    // A100-80GB × 2 at $3.50 per GPU-hour: about $0.00194 a second; 10 s have run, so the cap is ~5 s away.
    await db.trainingJob.update({ where: { id: job.id }, data: { maxCost: '0.03' } });
    const first = await pollOnce(job.id, null);
    await clearPoll(job.id);
    await callback(job, 2);
    const next = await pollOnce(job.id, first.heartbeatAt);
    expect(next.inSeconds).toBeLessThan(INTERVAL * CALLBACK_BACKOFF);
    expect(next.inSeconds).toBeGreaterThan(0);
    await clearPoll(job.id);
  });
});
