// The second phase of a cancel: tells the provider, retried while it is down.
// The job ends CANCELLED when the provider confirms (or never had it), or in
// whatever terminal state the provider reached first.
import { z } from 'zod';
import { db } from '../db/client.js';
import { applyProviderReport } from '../training/apply-report.js';
import { cancelledMessage } from '../training/spending-stops.js';
import { isTerminal } from '../db/training-status.js';
import { transitionJob } from '../training/transitions.js';
import { defineJob } from '../queue/define.js';

export const cancelAtProviderJob = defineJob({
  name: 'training-cancel',
  payload: z.object({ jobId: z.uuid() }),
  queue: { retryLimit: 20, retryDelay: 2, retryBackoff: true, retryDelayMax: 60, expireInSeconds: 120, heartbeatSeconds: 10 },
  concurrency: 4,
  async handle({ jobId }, { services }) {
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
  },
});
