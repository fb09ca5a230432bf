// Two-phase cancel: the request is recorded at once; a queued job tells the
// provider (with retries) and the job becomes CANCELLED when the provider
// confirms, or at once when the job never reached the provider.
import { db } from '../db/client.js';
import type { TrainingJob } from '../db/generated/prisma/client.js';
import { NotFoundError } from '../errors.js';
import { inTransaction } from '../queue/queue.js';
import { cancelAtProviderJob } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { notify } from '../notifications/notify.js';
import { SPENDING_STOPS, type SpendingStop } from './spending-stops.js';
import { isTerminal } from '../db/training-status.js';
import { publishJobUpdated } from './publish-job.js';

export class JobAlreadyFinishedError extends Error {
  override name = 'JobAlreadyFinishedError';
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`The job has already ended (${status}); there is nothing to cancel.`);
  }
}

export type CancelReason = 'USER' | SpendingStop;

/** Records a cancel request (idempotent) and queues the provider call. */
export async function requestCancel(services: Services, jobId: string, reason: CancelReason): Promise<boolean> {
  const stop = reason === 'USER' ? null : SPENDING_STOPS[reason];
  const requested = await db.$transaction(async (tx) => {
    const { count } = await tx.trainingJob.updateMany({
      where: { id: jobId, cancelRequestedAt: null, status: { in: ['QUEUED', 'INITIALIZING', 'RUNNING'] } },
      data: { cancelRequestedAt: new Date(), ...(stop ? { errorCode: stop.errorCode, errorMessage: stop.errorMessage } : {}) },
    });
    if (count === 0) return null;
    await tx.trainingJobEvent.create({ data: { jobId, type: 'CANCEL_REQUESTED', message: stop?.requested ?? 'Cancel requested' } });
    await services.jobs.enqueue(cancelAtProviderJob, { jobId }, { tx: inTransaction(tx), singletonKey: jobId });
    return tx.trainingJob.findUniqueOrThrow({ where: { id: jobId }, select: { id: true, ownerId: true } });
  });
  if (requested) publishJobUpdated(services, requested);
  return requested !== null;
}

/**
 * Stops a job the server ends because of spending (its cost cap, the monthly budget): the owner is told once per job
 * and reason, and the job is cancelled like any other, so compute is billed until the provider confirms.
 */
export async function stopAtSpendingLimit(
  services: Services,
  job: Pick<TrainingJob, 'id' | 'ownerId'>,
  stop: SpendingStop,
  notice: { title: string; message: string; metadata: Record<string, unknown> },
): Promise<void> {
  const { errorCode } = SPENDING_STOPS[stop];
  await notify(services, {
    ownerId: job.ownerId,
    type: errorCode,
    title: notice.title,
    message: notice.message,
    priority: 'HIGH',
    link: `/training/jobs/${job.id}`,
    metadata: { jobId: job.id, ...notice.metadata },
    dedupeKey: `job:${job.id}:${errorCode}`,
  });
  await requestCancel(services, job.id, stop);
}

export async function cancelTrainingJob(services: Services, ownerId: string, jobId: string): Promise<TrainingJob> {
  const job = await db.trainingJob.findFirst({ where: { id: jobId, ownerId } });
  if (!job) throw new NotFoundError('TrainingJob', jobId);
  if (isTerminal(job.status)) throw new JobAlreadyFinishedError(jobId, job.status);
  await requestCancel(services, jobId, 'USER');
  return db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
}
