// Polling each active job at its provider: fills points that callbacks lost, carries progress for providers that
// only report through status, ends a job whose provider went silent (heartbeat.ts) and applies its cost cap and
// its owner's monthly budget (spending-limits.ts). Callbacks are the primary path: a job whose callbacks moved it
// since its last poll is next polled at the slow safety-net interval; a silent one every POLL_INTERVAL_SECONDS.
// The poll reschedules itself; a reconcile every minute restarts a chain that broke, so a job is still watched
// after a crash or an exhausted retry.
import { db } from '../db/client.js';
import { isTerminal } from '../db/training-status.js';
import { MAX_STATUS_POINTS, ProviderUnavailableError } from '../gpu/provider.js';
import type { Logger } from '../log.js';
import { contiguousStep } from '../metrics/metric-store.js';
import { pollTrainingJob } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { applyProviderReport } from './apply-report.js';
import { failIfSilent } from './heartbeat.js';
import { applySpendingLimits } from './spending-limits.js';

/**
 * While callbacks keep a job current, its poll is only the safety net for lost ones: this many poll intervals
 * apart. 200 jobs at a 2 s interval then cost 10 polls a second, not 100, and a silent job's poll is not queued
 * behind them.
 */
export const CALLBACK_BACKOFF = 10;

/** When to poll next, and the heartbeat this poll left (the next poll compares it to see if callbacks came). */
export interface NextPoll {
  inSeconds: number;
  heartbeatAt: number | null;
}

/**
 * Polls the job once; returns when to poll it next, or null when it needs none (ended or never submitted).
 * `seenHeartbeatAt`: the job's heartbeat as the previous poll left it (null: unknown, as after a submit or a reconcile).
 */
export async function pollJob(services: Services, jobId: string, log: Logger, seenHeartbeatAt: number | null = null): Promise<NextPoll | null> {
  // Only what the poll needs before the provider answers (a batch of polls started together is one query: Prisma
  // batches findUnique), with whether the owner has a monthly budget at all: most owners have none, and then the
  // poll skips the budget's reads.
  const job = await db.trainingJob.findUnique({
    where: { id: jobId },
    select: { status: true, externalJobId: true, lastHeartbeatAt: true, owner: { select: { budget: { select: { ownerId: true } } } } },
  });
  if (!job || isTerminal(job.status) || !job.externalJobId) return null;
  // Only a callback moves the heartbeat between two polls: callbacks are arriving, so the safety net can be slow.
  const calledBack = seenHeartbeatAt !== null && job.lastHeartbeatAt !== null && job.lastHeartbeatAt.getTime() > seenHeartbeatAt;
  /** The provider still waits for a GPU: nothing is billed yet (apply-report moves the start on). */
  let queued = false;
  try {
    for (let round = 0; round < 1000; round++) {
      const status = await services.gpu.status(job.externalJobId, await contiguousStep(jobId));
      await applyProviderReport(services, jobId, status);
      queued = status.state === 'QUEUED';
      if (status.points.length < MAX_STATUS_POINTS) break;
    }
  } catch (err) {
    if (!(err instanceof ProviderUnavailableError)) throw err;
    log.warn('GPU provider unavailable while polling', { jobId, err: err.message });
  }
  // The report may have moved it on (state, start, heartbeat): the whole row as it is now.
  const now = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
  if (isTerminal(now.status)) return null;
  if (await failIfSilent(services, now)) return null;
  // The cost cap and the budget's next threshold are honoured whatever the interval: the poll accrues and stops.
  const secondsToLimit = queued ? Infinity : await applySpendingLimits(services, now, { budgeted: job.owner.budget !== null });
  const interval = services.config.gpu.pollIntervalSeconds * (calledBack ? CALLBACK_BACKOFF : 1);
  return { inSeconds: Math.min(interval, secondsToLimit), heartbeatAt: now.lastHeartbeatAt?.getTime() ?? null };
}

export async function schedulePoll(services: Services, jobId: string, afterSeconds = services.config.gpu.pollIntervalSeconds, heartbeatAt: number | null = null): Promise<void> {
  // When polls fall behind, a job that needs its poll on time (silent, or near a money limit) goes before a safety net.
  const onTime = afterSeconds < services.config.gpu.pollIntervalSeconds * CALLBACK_BACKOFF;
  await services.jobs.enqueue(pollTrainingJob, { jobId, heartbeatAt }, { singletonKey: jobId, startAfter: new Date(Date.now() + afterSeconds * 1000), priority: onTime ? 1 : 0 });
}

/** Makes sure each active job that reached its provider has a poll queued. */
export async function reconcilePolls(services: Services, log: Logger): Promise<void> {
  const active = await db.trainingJob.findMany({
    where: { status: { in: ['INITIALIZING', 'RUNNING'] }, externalJobId: { not: null } },
    select: { id: true },
  });
  // The poll queue is stately: a job that already has a poll waiting gets no second one.
  for (const { id } of active) await schedulePoll(services, id, 0);
  if (active.length) log.debug('reconciled active jobs', { count: active.length });
}
