// Two-phase cancel: the request is recorded at once; a queued job tells the
// provider (with retries) and the job becomes CANCELLED when the provider
// confirms, or at once when the job never reached the provider.
import { db } from '../db/client.js';
import type { TrainingJob } from '../db/generated/prisma/client.js';
import { NotFoundError } from '../errors.js';
import { inTransaction } from '../jobs/queue.js';
import { cancelAtProviderJob } from '../jobs/cancel-at-provider.js';
import type { Services } from '../services.js';
import { isTerminal } from './status.js';
import { publishJobUpdated } from './transitions.js';

export class JobAlreadyFinishedError extends Error {
  override name = 'JobAlreadyFinishedError';
  constructor(readonly jobId: string, readonly status: string) {
    super(`The job has already ended (${status}); there is nothing to cancel.`);
  }
}

export type CancelReason = 'USER' | 'COST_CAP';

/** Records a cancel request (idempotent) and queues the provider call. */
export async function requestCancel(services: Services, jobId: string, reason: CancelReason): Promise<boolean> {
  const requested = await db.$transaction(async (tx) => {
    const { count } = await tx.trainingJob.updateMany({
      where: { id: jobId, cancelRequestedAt: null, status: { in: ['QUEUED', 'INITIALIZING', 'RUNNING'] } },
      data: { cancelRequestedAt: new Date(), ...(reason === 'COST_CAP' ? { errorCode: 'COST_CAP_REACHED', errorMessage: 'The job reached its cost cap and was stopped.' } : {}) },
    });
    if (count === 0) return null;
    await tx.trainingJobEvent.create({
      data: { jobId, type: 'CANCEL_REQUESTED', message: reason === 'COST_CAP' ? 'Cost cap reached: stopping the job' : 'Cancel requested' },
    });
    await services.jobs.enqueue(cancelAtProviderJob, { jobId }, { tx: inTransaction(tx), singletonKey: jobId });
    return tx.trainingJob.findUniqueOrThrow({ where: { id: jobId }, select: { id: true, ownerId: true } });
  });
  if (requested) publishJobUpdated(services, requested);
  return requested !== null;
}

export async function cancelTrainingJob(services: Services, ownerId: string, jobId: string): Promise<TrainingJob> {
  const job = await db.trainingJob.findFirst({ where: { id: jobId, ownerId } });
  if (!job) throw new NotFoundError('TrainingJob', jobId);
  if (isTerminal(job.status)) throw new JobAlreadyFinishedError(jobId, job.status);
  await requestCancel(services, jobId, 'USER');
  return db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
}
