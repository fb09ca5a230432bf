// The second phase of a cancel (the training-cancel job): tells the provider and ends the job when it stops.
import { db } from '../db/client.js';
import { isTerminal } from '../db/training-status.js';
import type { Services } from '../services/services.js';
import { applyProviderReport } from './apply-report.js';
import { cancelledMessage } from './spending-stops.js';
import { transitionJob } from './transitions.js';

/**
 * The second phase of a cancel (the training-cancel job): tells the provider, throwing to be retried while it has
 * not stopped the run. The job ends CANCELLED when the provider confirms (or never had it), or in whatever terminal
 * state the provider reached first.
 */
export async function cancelAtProvider(services: Services, jobId: string): Promise<void> {
  const job = await db.trainingJob.findUnique({ where: { id: jobId } });
  if (!job || isTerminal(job.status)) return;
  const cancelled = { message: cancelledMessage(job.errorCode) };
  if (!job.externalJobId) {
    // Never reached the provider: nothing runs, nothing to tell it.
    await transitionJob(services, jobId, 'CANCELLED', cancelled);
    return;
  }
  const { state } = await services.gpu.cancel(job.externalJobId);
  if (state === 'CANCELLED') await transitionJob(services, jobId, 'CANCELLED', cancelled);
  else if (isTerminal(state)) await applyProviderReport(services, jobId, await services.gpu.status(job.externalJobId, job.currentStep));
  else throw new Error(`the provider has not stopped the job yet (${state})`); // retried
}
