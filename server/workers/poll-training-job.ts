// Polls each active job at its provider, rescheduling itself: fills points that
// callbacks lost, carries progress for providers that only report through
// status, accrues compute cost (and stops a job at its cost cap or at its
// owner's monthly budget), and fails a job whose provider has shown no progress
// past the heartbeat timeout.
import { z } from 'zod';
import { applyBudget } from '../costs/budget.js';
import { accrueComputeCost, jobHourlyRate } from '../costs/compute-cost.js';
import { db } from '../db/client.js';
import type { TrainingJob } from '../db/generated/prisma/client.js';
import type { GpuType } from '../gpu/provider.js';
import { MAX_STATUS_POINTS, ProviderUnavailableError } from '../gpu/provider.js';
import { formatUsd } from '../notifications/format.js';
import { trainingJobEventData } from '../outbound-webhooks/payloads.js';
import { recordEvent } from '../outbound-webhooks/record-event.js';
import type { Services } from '../services/services.js';
import { applyProviderReport } from '../training/apply-report.js';
import { stopAtSpendingLimit } from '../training/cancel-training-job.js';
import { gpuSecondsMicros, microsToUsd, usdToMicros } from '../training/estimate.js';
import { contiguousStep } from '../metrics/metric-store.js';
import { isTerminal } from '../db/training-status.js';
import { transitionJob } from '../training/transitions.js';
import { defineJob } from '../queue/define.js';

export const pollTrainingJob = defineJob({
  name: 'training-poll',
  payload: z.object({ jobId: z.uuid() }),
  // stately: at most one poll queued and one running per job.
  queue: { policy: 'stately', retryLimit: 3, retryDelay: 1, expireInSeconds: 120, heartbeatSeconds: 10 },
  concurrency: 8,
  async handle({ jobId }, { services, log }) {
    const job = await db.trainingJob.findUnique({ where: { id: jobId } });
    if (!job || isTerminal(job.status) || !job.externalJobId) return;
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
    const now = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId } });
    if (isTerminal(now.status)) return;
    if (now.lastHeartbeatAt && Date.now() - now.lastHeartbeatAt.getTime() > services.config.gpu.heartbeatTimeoutSeconds * 1000) {
      const seconds = services.config.gpu.heartbeatTimeoutSeconds;
      await transitionJob(services, jobId, 'FAILED', {
        message: `The GPU provider reported no progress for ${seconds} s`,
        data: { errorCode: 'PROVIDER_UNRESPONSIVE', errorMessage: `The GPU provider reported no progress for ${seconds} seconds, even when asked directly. The job was stopped.` },
      });
      await services.gpu.cancel(job.externalJobId).catch(() => {});
      return;
    }
    const secondsToCap = queued ? Infinity : await accrueAndCheckCap(services, now);
    await schedulePoll(services, jobId, Math.min(services.config.gpu.pollIntervalSeconds, secondsToCap));
  },
});

/**
 * Accrues compute cost; at the cap, tells the owner and stops the job; then applies the owner's monthly budget.
 * Returns the seconds until the cap or the budget's next threshold, whichever comes first (Infinity without either).
 */
async function accrueAndCheckCap(services: Services, job: TrainingJob): Promise<number> {
  const cost = await db.$transaction((tx) => accrueComputeCost(tx, job, new Date()));
  const secondsToBudget = await applyBudget(services, job.ownerId);
  if (!job.maxCost || !job.startedAt) return secondsToBudget;
  const cap = usdToMicros(job.maxCost.toFixed(6));
  if (cost < cap) {
    const perSecond = gpuSecondsMicros(job.gpuType as GpuType, job.gpuCount, 1, jobHourlyRate(job));
    return Math.min(secondsToBudget, perSecond === 0n ? Infinity : Math.max(0.2, Number(cap - cost) / Number(perSecond)));
  }
  // The mark and the outgoing event commit together: one event, whichever process gets here first.
  const reached = await db.$transaction(async (tx) => {
    const reachedAt = new Date();
    const { count } = await tx.trainingJob.updateMany({ where: { id: job.id, costCapReachedAt: null }, data: { costCapReachedAt: reachedAt } });
    if (count === 0) return false;
    await recordEvent(tx, services, job.ownerId, 'training_job.cost_cap_reached', { ...trainingJobEventData(job), currentCostUsd: microsToUsd(cost), costCapReachedAt: reachedAt.toISOString() });
    return true;
  });
  if (reached) {
    await stopAtSpendingLimit(services, job, 'COST_CAP', {
      title: `Training "${job.name}" reached its cost cap`,
      message: `It has cost ${formatUsd(microsToUsd(cost))} of its ${formatUsd(microsToUsd(cap))} cap and is being stopped.`,
      metadata: { costUsd: microsToUsd(cost), maxCostUsd: job.maxCost.toFixed(6) },
    });
  }
  return services.config.gpu.pollIntervalSeconds;
}

export async function schedulePoll(services: Services, jobId: string, afterSeconds = services.config.gpu.pollIntervalSeconds): Promise<void> {
  await services.jobs.enqueue(pollTrainingJob, { jobId }, { singletonKey: jobId, startAfter: new Date(Date.now() + afterSeconds * 1000) });
}
