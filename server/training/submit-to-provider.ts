// Submitting a QUEUED job to its GPU provider, with its per-job callback URL and token: cancel before submit,
// recovering a submission a crash interrupted (the submitStartedAt claim), and the retry limit. Retried with
// backoff while the provider is down; after the last try, or when the provider refuses the job, the job FAILS.
import { findBaseModel } from '../catalog/base-models.js';
import { signCallbackToken } from '../auth/tokens.js';
import { db } from '../db/client.js';
import { ProviderUnavailableError, type GpuType } from '../gpu/provider.js';
import type { JobAttempt } from '../queue/define.js';
import { SUBMIT_RETRY_LIMIT, submitTrainingJob } from '../queue/definitions.js';
import type { Services } from '../services/services.js';
import { readStatistics } from '../datasets/stored-statistics.js';
import { readHyperparameters } from './hyperparameters.js';
import { readEstimate } from './stored-estimate.js';
import { cancelOrphan } from './orphans.js';
import { schedulePoll } from './poll-provider.js';
import { transitionJob } from './transitions.js';

/** How long a submission that died unanswered is given to call back before the job is submitted again. */
export const SUBMIT_CLAIM_SECONDS = 60;

export function callbackUrl(services: Services): string {
  return `${services.publicUrl}/webhooks/gpu/${services.gpu.name}`;
}

/** Where a trainer asks for signed upload URLs of its artifacts (server/webhooks/artifact-uploads.ts). */
export function artifactsUrl(services: Services): string {
  return `${callbackUrl(services)}/uploads`;
}

/** Throws to be retried (the provider is unreachable and retries are left); anything else ends here. */
export async function submitToProvider(services: Services, jobId: string, { retryCount, log }: JobAttempt): Promise<void> {
  const job = await db.trainingJob.findUnique({ where: { id: jobId }, include: { dataset: true } });
  if (job?.status !== 'QUEUED') return;
  const fail = (errorCode: string, errorMessage: string) => transitionJob(services, jobId, 'FAILED', { message: errorMessage, data: { errorCode, errorMessage } });
  if (job.cancelRequestedAt) {
    await transitionJob(services, jobId, 'CANCELLED', { message: 'Cancelled before it reached the GPU provider' });
    return;
  }
  if (job.externalJobId) {
    // Submitted by an earlier attempt that stopped before recording the transition.
    await transitionJob(services, jobId, 'INITIALIZING', { message: 'Submitted to the GPU provider', data: { stage: 'PROVISIONING' } });
    await schedulePoll(services, jobId);
    return;
  }
  if (job.submitStartedAt) {
    // An earlier attempt called the provider and died before its answer was recorded: a run may exist there.
    // Its first callback records its id (apply-report.ts); wait for that rather than start a second run.
    const waited = (Date.now() - job.submitStartedAt.getTime()) / 1000;
    if (waited < SUBMIT_CLAIM_SECONDS) {
      log.warn('an earlier submission may be running; waiting for it to call back', { jobId, waitedSeconds: Math.round(waited) });
      await services.jobs.enqueue(submitTrainingJob, { jobId }, { startAfter: Math.ceil(SUBMIT_CLAIM_SECONDS - waited) });
      return;
    }
    log.warn('no callback from an earlier submission; submitting again (a late one is cancelled when it calls)', { jobId });
  }
  const baseModel = findBaseModel(job.baseModelId);
  if (!baseModel) return void (await fail('UNKNOWN_BASE_MODEL', `The base model ${job.baseModelId} is no longer offered.`));
  const statistics = readStatistics(job.dataset.statistics);
  const estimate = readEstimate(job.estimate);
  // The token outlives the longest plausible run; it only ever speaks for this job.
  const tokenSeconds = Math.max(estimate.durationSeconds * 4, 3600) + 24 * 3600;

  let externalId: string;
  await db.trainingJob.update({ where: { id: jobId }, data: { submitStartedAt: new Date() } });
  try {
    ({ externalId } = await services.gpu.submit({
      jobId,
      callbackUrl: callbackUrl(services),
      callbackToken: await signCallbackToken(services.secret, jobId, tokenSeconds),
      datasetTokens: statistics.totalTokens,
      datasetExamples: statistics.examples,
      hyperparameters: readHyperparameters(job.hyperparameters),
      baseModel: {
        id: baseModel.id,
        parametersB: baseModel.parameters,
        hiddenSize: baseModel.hiddenSize,
        numLayers: baseModel.numLayers,
        ...(baseModel.path ? { path: baseModel.path } : {}),
      },
      gpu: { type: job.gpuType as GpuType, count: job.gpuCount },
      // A trainer fetches the dataset itself (a day is long enough to wait in a queue and start).
      datasetUrl: (await services.storage.createDownloadUrl('datasets', job.dataset.storagePath, { expiresInSeconds: 24 * 3600 })).url,
      datasetFormat: job.dataset.format,
      artifactsUrl: artifactsUrl(services),
    }));
  } catch (err) {
    // The provider answered (an error, or no answer in time): no run to wait for.
    await db.trainingJob.update({ where: { id: jobId }, data: { submitStartedAt: null } });
    if (err instanceof ProviderUnavailableError && retryCount < SUBMIT_RETRY_LIMIT) {
      log.warn('GPU provider unavailable, will retry', { jobId, retryCount, err: err.message });
      throw err;
    }
    const unavailable = err instanceof ProviderUnavailableError;
    await fail(
      unavailable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_REJECTED',
      unavailable
        ? `The GPU provider could not be reached after ${SUBMIT_RETRY_LIMIT + 1} attempts: ${(err as Error).message}`
        : `The GPU provider refused the job: ${(err as Error).message}`,
    );
    return;
  }
  // coalesce: a run that called back first (an earlier attempt's) keeps the job; this one is then cancelled.
  const [recorded] = await db.$queryRaw<{ externalJobId: string }[]>`
    UPDATE "TrainingJob" SET "externalJobId" = coalesce("externalJobId", ${externalId}), "submitStartedAt" = NULL, "updatedAt" = now()
    WHERE id = ${jobId}::uuid RETURNING "externalJobId"`;
  if (recorded && recorded.externalJobId !== externalId) {
    await cancelOrphan(services, externalId, log);
    return;
  }
  const moved = await transitionJob(services, jobId, 'INITIALIZING', { message: 'Submitted to the GPU provider', data: { stage: 'PROVISIONING' } });
  if (!moved) {
    // Either the trainer's first callback moved it already (it starts at once), or it was cancelled meanwhile.
    const now = await db.trainingJob.findUnique({ where: { id: jobId }, select: { status: true, cancelRequestedAt: true } });
    if (now?.cancelRequestedAt || now?.status === 'CANCELLED') {
      // Cancelled while we were submitting: make sure nothing runs at the provider.
      await services.gpu.cancel(externalId).catch((err: Error) => log.warn('cancel after a raced submit failed', { jobId, err: err.message }));
      return;
    }
  }
  await schedulePoll(services, jobId);
}
