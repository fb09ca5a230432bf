// The state machine against the real database: every (from, to) pair through transitionJob, concurrent
// transitions that cannot both win, concurrent cancels, a cancel racing a completion, and compute cost that
// adds up to the final cost however the end is reached.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accrueComputeCost, billedSeconds } from '../../../server/costs/compute-cost.js';
import { db, pool } from '../../../server/db/client.js';
import type { TrainingJob, TrainingJobStatus } from '../../../server/db/generated/prisma/client.js';
import type { Services } from '../../../server/services/services.js';
import { applyProviderReport, type ProviderReport } from '../../../server/training/apply-report.js';
import { cancelTrainingJob, JobAlreadyFinishedError } from '../../../server/training/cancel-training-job.js';
import { SPENDING_STOPS } from '../../../server/training/spending-stops.js';
import { gpuSecondsMicros, usdToMicros } from '../../../server/costs/money.js';
import { isTerminal } from '../../../server/db/training-status.js';
import { transitionJob } from '../../../server/training/transitions.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { createJob, jobRow, readyDataset } from '../../helpers/training.js';

const STATUSES: TrainingJobStatus[] = ['QUEUED', 'INITIALIZING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
/** SPEC §3 by hand: the happy path, any active status to FAILED or CANCELLED, terminal statuses final. */
const LEGAL = new Set([
  'QUEUED→INITIALIZING',
  'QUEUED→FAILED',
  'QUEUED→CANCELLED',
  'INITIALIZING→RUNNING',
  'INITIALIZING→FAILED',
  'INITIALIZING→CANCELLED',
  'RUNNING→COMPLETED',
  'RUNNING→FAILED',
  'RUNNING→CANCELLED',
]);
/** The notification each status brings; INITIALIZING brings none (QUEUED's is made at creation). */
const NOTIFICATION: Partial<Record<TrainingJobStatus, string>> = {
  RUNNING: 'JOB_STARTED',
  COMPLETED: 'JOB_COMPLETED',
  FAILED: 'JOB_FAILED',
  CANCELLED: 'JOB_CANCELLED',
};
const TERMINAL_NOTIFICATIONS = ['JOB_COMPLETED', 'JOB_FAILED', 'JOB_CANCELLED'];

let t: TestApp;
let alice: TestUser;
let datasetId: string;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
const micros = (amount: { toFixed(digits: number): string } | null) => (amount === null ? null : usdToMicros(amount.toFixed(6)));

beforeAll(async () => {
  // Slow steps: a job created through the API stays RUNNING for about 5 s, long enough to cancel it twice.
  t = await startTestApp({ POLL_INTERVAL_SECONDS: '0.5' }, { stepIntervalMs: 200 });
  alice = await createUser(t);
  datasetId = rawId(await readyDataset(t, alice.token));
});
afterAll(() => t?.stop());

/** A job written straight into the database in `status`, as if it had got there on its own. */
async function insertJob(status: TrainingJobStatus, changes: Partial<TrainingJob> = {}): Promise<TrainingJob> {
  const now = Date.now();
  const started = status !== 'QUEUED';
  const ended = isTerminal(status);
  return db.trainingJob.create({
    data: {
      ...jobRow(alice.id, datasetId, status),
      stage: status === 'RUNNING' ? 'TRAINING' : null,
      // Started 10.4 s ago: a price that bills 10 s instead of the 11 begun shows.
      startedAt: started ? new Date(now - 10_400) : null,
      completedAt: ended ? new Date(now - 1_000) : null,
      finalCost: ended ? '0.019444' : null,
      ...(changes as object),
    },
  });
}

/** Services whose pubsub records what would have been published, so a test can see it was (or was not). */
function recordingServices() {
  const published: { topic: string; key: string; payload: unknown }[] = [];
  const services = { ...t.app.services, pubsub: { publish: (topic: string, key: string, payload: unknown) => void published.push({ topic, key, payload }) } };
  return { services: services as unknown as Services, published };
}

async function eventsOf(jobId: string) {
  return db.trainingJobEvent.findMany({ where: { jobId }, orderBy: { createdAt: 'asc' } });
}
/** The job's status notifications (a COMPLETED job's artifact, made by another queue, has its own). */
async function notificationsOf(jobId: string) {
  return db.notification.findMany({
    where: { ownerId: alice.id, type: { in: ['JOB_QUEUED', 'JOB_STARTED', 'JOB_COMPLETED', 'JOB_FAILED', 'JOB_CANCELLED'] }, metadata: { path: ['jobId'], equals: jobId } },
  });
}
async function recordedMicros(jobId: string): Promise<bigint> {
  const records = await db.costRecord.findMany({ where: { jobId } });
  // A settlement may record a negative correction (see compute-cost.ts), so amounts carry their sign.
  return records.reduce((sum, r) => sum + (r.amount.isNegative() ? -usdToMicros(r.amount.abs().toFixed(6)) : usdToMicros(r.amount.toFixed(6))), 0n);
}

/** A finished job's cost is its billed seconds × rate × count, and its records add up to it exactly. */
async function expectSettled(job: TrainingJob) {
  expect(job.completedAt).not.toBeNull();
  const seconds = job.startedAt ? billedSeconds(job.startedAt, job.completedAt!) : 0;
  const expected = gpuSecondsMicros(job.gpuType as Parameters<typeof gpuSecondsMicros>[0], job.gpuCount, seconds);
  expect(micros(job.finalCost)).toBe(expected);
  expect(micros(job.currentCost)).toBe(expected);
  expect(await recordedMicros(job.id)).toBe(expected);
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (!value) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** The cancel queue's jobs for a training job, once none of them is still waiting or running. */
async function cancelQueueSettled(jobId: string): Promise<string[]> {
  return waitFor(`the cancel queue to finish with ${jobId}`, async () => {
    const { rows } = await pool.query<{ state: string }>(`SELECT state::text FROM ${t.config.database.queueSchema}.job WHERE name = 'training-cancel' AND data->>'jobId' = $1`, [
      jobId,
    ]);
    return rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.state)) ? rows.map((r) => r.state) : null;
  });
}

const PAIRS = STATUSES.flatMap((from) => STATUSES.map((to) => ({ from, to, legal: LEGAL.has(`${from}→${to}`) })));

describe('transitionJob on every (from, to) pair', () => {
  it.each(PAIRS.filter((p) => p.legal))('$from → $to wins: status, timestamps, one event, the right notification once', async ({ from, to }) => {
    const before = await insertJob(from);
    const { services, published } = recordingServices();
    const t0 = new Date();
    const data = to === 'FAILED' ? { errorCode: 'TEST_FAILURE', errorMessage: 'failed on purpose' } : { stage: 'TRAINING' as const };
    const moved = await transitionJob(services, before.id, to, { message: `to ${to}`, data });
    const t1 = new Date();

    expect(moved?.status).toBe(to);
    const after = await db.trainingJob.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.status).toBe(to);
    if (to === 'FAILED') expect([after.errorCode, after.errorMessage]).toEqual(['TEST_FAILURE', 'failed on purpose']);
    else expect(after.stage).toBe('TRAINING');
    expect(after.lastHeartbeatAt!.getTime()).toBeGreaterThanOrEqual(t0.getTime());

    // startedAt is set on entering INITIALIZING and never moved afterwards; completedAt only on a terminal status.
    if (to === 'INITIALIZING') {
      expect(after.startedAt!.getTime()).toBeGreaterThanOrEqual(t0.getTime());
      expect(after.startedAt!.getTime()).toBeLessThanOrEqual(t1.getTime());
    } else {
      expect(after.startedAt).toEqual(before.startedAt);
    }
    if (isTerminal(to)) {
      expect(after.completedAt!.getTime()).toBeGreaterThanOrEqual(t0.getTime());
      expect(after.completedAt!.getTime()).toBeLessThanOrEqual(t1.getTime());
      await expectSettled(after);
      // QUEUED never ran: it costs nothing and leaves no record; INITIALIZING and RUNNING ran 10.4 s, billed 11.
      if (from === 'QUEUED') expect(await db.costRecord.count({ where: { jobId: before.id } })).toBe(0);
      else expect(micros(after.finalCost)).toBeGreaterThanOrEqual(gpuSecondsMicros('A100-80GB', 2, 11));
    } else {
      expect(after.completedAt).toBeNull();
      expect(after.finalCost).toBeNull();
    }

    const events = await eventsOf(before.id);
    expect(events.map((e) => [e.type, e.toStatus, e.message])).toEqual([['STATUS', to, `to ${to}`]]);
    const notifications = await notificationsOf(before.id);
    const type = NOTIFICATION[to];
    expect(notifications.map((n) => n.type)).toEqual(type ? [type] : []);
    if (type) expect(notifications[0]).toMatchObject({ dedupeKey: `job:${before.id}:${to}`, link: `/training/jobs/${before.id}` });

    // Published after the commit: the job once, the notification once when there is one.
    expect(published.filter((p) => p.topic === 'trainingJobUpdated')).toEqual([{ topic: 'trainingJobUpdated', key: before.id, payload: { id: before.id } }]);
    expect(published.filter((p) => p.topic === 'notificationAdded')).toEqual(type ? [{ topic: 'notificationAdded', key: alice.id, payload: { id: notifications[0]!.id } }] : []);

    // The same transition again (a redelivered job, a duplicate callback) is refused and adds nothing.
    expect(await transitionJob(services, before.id, to, { message: 'again' })).toBeNull();
    expect(await eventsOf(before.id)).toHaveLength(1);
    expect(await notificationsOf(before.id)).toHaveLength(type ? 1 : 0);
    expect(await db.trainingJob.findUniqueOrThrow({ where: { id: before.id } })).toEqual(after);
  });

  it.each(PAIRS.filter((p) => !p.legal))('$from → $to is refused: null, and nothing changes', async ({ from, to }) => {
    const before = await insertJob(from);
    const { services, published } = recordingServices();
    const moved = await transitionJob(services, before.id, to, { message: 'must not happen', data: { errorCode: 'MUST_NOT_BE_SET', progress: 42 } });

    expect(moved).toBeNull();
    expect(await db.trainingJob.findUniqueOrThrow({ where: { id: before.id } })).toEqual(before);
    expect(await eventsOf(before.id)).toEqual([]);
    expect(await notificationsOf(before.id)).toEqual([]);
    expect(await db.costRecord.count({ where: { jobId: before.id } })).toBe(0);
    expect(published).toEqual([]);
  });
});

describe('concurrent transitions', () => {
  it('COMPLETED, FAILED and CANCELLED racing from RUNNING: exactly one wins, once, 20 times over', async () => {
    const winners: TrainingJobStatus[] = [];
    for (let round = 0; round < 20; round++) {
      const job = await insertJob('RUNNING');
      const { services } = recordingServices();
      // Rotate who starts first so each gets its chance at the row lock.
      const order: TrainingJobStatus[] = (['COMPLETED', 'FAILED', 'CANCELLED'] as const).map((_, i, all) => all[(i + round) % 3]!);
      const results = await Promise.all(order.map((to) => transitionJob(services, job.id, to, { message: `race to ${to}` })));

      const won = results.filter((r) => r !== null);
      expect(won).toHaveLength(1);
      const after = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
      expect(after.status).toBe(won[0]!.status);
      winners.push(after.status);

      const terminalEvents = (await eventsOf(job.id)).filter((e) => e.toStatus && isTerminal(e.toStatus));
      expect(terminalEvents.map((e) => e.toStatus)).toEqual([after.status]);
      const terminalNotes = (await notificationsOf(job.id)).filter((n) => TERMINAL_NOTIFICATIONS.includes(n.type));
      expect(terminalNotes.map((n) => n.type)).toEqual([NOTIFICATION[after.status]]);
      await expectSettled(after);
    }
    // Rotating the start order lets more than one of them win across the rounds (a check on the race itself).
    expect(new Set(winners).size).toBeGreaterThan(1);
  });

  it('a poll accruing cost while the job ends never adds to the settled cost', async () => {
    // The poll worker reads the job, sees it RUNNING, then accrues; a callback may end the job in between.
    for (let round = 0; round < 10; round++) {
      // Started 10.995 s ago: the billed seconds go from 11 to 12 while the three calls race.
      const job = await insertJob('RUNNING', { startedAt: new Date(Date.now() - 10_995) });
      const { services } = recordingServices();
      const accrue = (at: Date) => accrueComputeCost(job, at);
      await Promise.all([accrue(new Date()), transitionJob(services, job.id, 'COMPLETED', { message: 'done' }), accrue(new Date())]);
      const after = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
      expect(after.status).toBe('COMPLETED');
      await expectSettled(after);
      // A poll that read the job while it was RUNNING and accrues after the end (its clock 3 s on, so it
      // bills more whole seconds than the settlement did): it must change nothing.
      await accrue(new Date(Date.now() + 3_000));
      const later = await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } });
      expect(later).toEqual(after);
      await expectSettled(later);
    }
  });
});

describe('cancel', () => {
  it('two concurrent cancels of a running job: one request, one CANCELLED, one JOB_CANCELLED', async () => {
    const created = await createJob(t, alice.token, { datasetId: Buffer.from(`Dataset:${datasetId}`).toString('base64'), presetId: 'quality', name: 'cancelled twice' });
    expect(created.__typename).toBe('TrainingJobPayload');
    const id = rawId(created.trainingJob.id);
    await waitFor('the job to run', async () => (await db.trainingJob.findUniqueOrThrow({ where: { id } })).status === 'RUNNING');

    const [a, b] = await Promise.all([cancelTrainingJob(t.app.services, alice.id, id), cancelTrainingJob(t.app.services, alice.id, id)]);
    expect(a.cancelRequestedAt).not.toBeNull();
    expect(b.cancelRequestedAt).toEqual(a.cancelRequestedAt);

    const after = await waitFor('CANCELLED', async () => {
      const job = await db.trainingJob.findUniqueOrThrow({ where: { id } });
      return isTerminal(job.status) && job;
    });
    expect(after.status).toBe('CANCELLED');
    expect(after.currentStep).toBeLessThan(after.totalSteps);
    expect(after.errorCode).toBeNull(); // a user's cancel is not a cost-cap stop
    expect((await t.app.services.gpu.status(after.externalJobId!, 0)).state).toBe('CANCELLED');
    await cancelQueueSettled(id);

    const events = await eventsOf(id);
    expect(events.filter((e) => e.type === 'CANCEL_REQUESTED')).toHaveLength(1);
    expect(events.filter((e) => e.toStatus === 'CANCELLED')).toHaveLength(1);
    const notes = await notificationsOf(id);
    expect(notes.filter((n) => n.type === 'JOB_CANCELLED')).toHaveLength(1);
    expect(notes.filter((n) => TERMINAL_NOTIFICATIONS.includes(n.type))).toHaveLength(1);
    await expectSettled(after);

    await expect(cancelTrainingJob(t.app.services, alice.id, id)).rejects.toBeInstanceOf(JobAlreadyFinishedError);
  });

  const completedReport: ProviderReport = {
    state: 'COMPLETED',
    stage: 'UPLOADING_ARTIFACTS',
    step: 10,
    totalSteps: 10,
    epoch: 1,
    points: [],
    artifacts: [],
    error: null,
  };

  /** After a cancel and a completion raced: one terminal state, its notification alone, the cost settled. */
  async function expectConsistent(jobId: string) {
    const job = await waitFor('a terminal status', async () => {
      const row = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
      return isTerminal(row.status) && row;
    });
    // Whatever the cancel queue still does once the job has ended changes nothing.
    await cancelQueueSettled(jobId);
    const after = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(after).toEqual(job);
    expect(['COMPLETED', 'CANCELLED']).toContain(after.status);
    if (after.status === 'COMPLETED') expect([after.progress, after.etaSeconds]).toEqual([100, 0]);
    const terminalEvents = (await eventsOf(jobId)).filter((e) => e.toStatus && isTerminal(e.toStatus));
    expect(terminalEvents.map((e) => e.toStatus)).toEqual([after.status]);
    const terminalNotes = (await notificationsOf(jobId)).filter((n) => TERMINAL_NOTIFICATIONS.includes(n.type));
    expect(terminalNotes.map((n) => n.type)).toEqual([NOTIFICATION[after.status]]);
    await expectSettled(after);
    return after;
  }

  it('a completion reported after the cancel was requested, before the provider confirmed: COMPLETED, no JOB_CANCELLED', async () => {
    // The request recorded as requestCancel records it, with the provider call not made yet: queued, the call
    // could win the race (the job has no external id, so it would cancel at once) and the test would not test this.
    const job = await insertJob('RUNNING');
    await db.trainingJob.update({ where: { id: job.id }, data: { cancelRequestedAt: new Date() } });
    await db.trainingJobEvent.create({ data: { jobId: job.id, type: 'CANCEL_REQUESTED', message: 'Cancel requested' } });
    await applyProviderReport(t.app.services, job.id, completedReport);
    const after = await expectConsistent(job.id);
    expect(after.status).toBe('COMPLETED');
    expect(after.cancelRequestedAt).not.toBeNull();
  });

  it('a completion that beats a spending stop: COMPLETED, without the reason for the stop', async () => {
    const job = await insertJob('RUNNING');
    const stop = SPENDING_STOPS.BUDGET;
    await db.trainingJob.update({ where: { id: job.id }, data: { cancelRequestedAt: new Date(), errorCode: stop.errorCode, errorMessage: stop.errorMessage } });
    await db.trainingJobEvent.create({ data: { jobId: job.id, type: 'CANCEL_REQUESTED', message: stop.requested } });
    await applyProviderReport(t.app.services, job.id, completedReport);
    const after = await expectConsistent(job.id);
    expect([after.status, after.errorCode, after.errorMessage]).toEqual(['COMPLETED', null, null]);
    // The owner was told the job is being stopped: the completion says the stop came too late.
    const completed = (await notificationsOf(job.id)).find((n) => n.type === 'JOB_COMPLETED');
    expect(completed?.message).toBe(stop.overtaken);
    const ended = await db.trainingJobEvent.findFirst({ where: { jobId: job.id, toStatus: 'COMPLETED' } });
    expect(ended?.message).toBe(stop.overtaken);
  });

  it('a completion reported after the job was cancelled changes nothing', async () => {
    const job = await insertJob('RUNNING');
    await cancelTrainingJob(t.app.services, alice.id, job.id);
    const cancelled = await expectConsistent(job.id);
    expect(cancelled.status).toBe('CANCELLED');
    await applyProviderReport(t.app.services, job.id, completedReport);
    expect(await db.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).toEqual(cancelled);
    expect((await notificationsOf(job.id)).map((n) => n.type)).toEqual(['JOB_CANCELLED']);
  });

  it('a cancel and a completion at the same moment, 10 times: always one consistent end', async () => {
    for (let round = 0; round < 10; round++) {
      const job = await insertJob('RUNNING');
      const [cancel] = await Promise.all([
        cancelTrainingJob(t.app.services, alice.id, job.id).catch((err: unknown) => err),
        applyProviderReport(t.app.services, job.id, completedReport),
      ]);
      // The cancel either got in first (and the completion still wins the race to a terminal status, or the
      // cancel queue does) or saw the job finished: a typed error, never a crash.
      if (cancel instanceof Error) expect(cancel).toBeInstanceOf(JobAlreadyFinishedError);
      const after = await expectConsistent(job.id);
      if (cancel instanceof JobAlreadyFinishedError) expect(after.status).toBe('COMPLETED');
    }
  });
});
