// Every background job kind's definition: queue name, payload schema, queue
// policy, schedule, concurrency. No handlers here (server/workers pairs each
// with its handler), so domain code imports this file to enqueue without
// depending on the code that runs the job. db/prepare.ts creates their queues.
import { z } from 'zod';
import { defineJob, type JobDefinition } from './define.js';

/** Retries of a submission while the provider is unreachable; after the last, the job FAILS. */
export const SUBMIT_RETRY_LIMIT = 6;
/** Retries of a validation whose file could not be read; after the last, the dataset ends INVALID. */
export const VALIDATE_RETRY_LIMIT = 3;
/** Retries of a model copy; after the last, the model is FAILED. */
export const ARTIFACT_RETRY_LIMIT = 5;

/** Validates an uploaded dataset (datasets/run-validation.ts). */
export const validateDatasetJob = defineJob({
  name: 'dataset-validate',
  payload: z.object({ datasetId: z.uuid() }),
  // The heartbeat hands a dead worker's validation to another within seconds; the expiry bounds a live one.
  queue: { retryLimit: VALIDATE_RETRY_LIMIT, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 * 60, heartbeatSeconds: 10 },
  concurrency: 1,
});

/** Sends a QUEUED job to the GPU provider (training/submit-to-provider.ts). */
export const submitTrainingJob = defineJob({
  name: 'training-submit',
  payload: z.object({ jobId: z.uuid() }),
  queue: { retryLimit: SUBMIT_RETRY_LIMIT, retryDelay: 2, retryBackoff: true, retryDelayMax: 60, expireInSeconds: 120, heartbeatSeconds: 10 },
  concurrency: 4,
});

/** Polls an active job at its provider and schedules the next poll (training/poll-provider.ts). */
export const pollTrainingJob = defineJob({
  name: 'training-poll',
  // heartbeatAt: the job's lastHeartbeatAt (ms) as the previous poll left it; a later one means callbacks arrive.
  payload: z.object({ jobId: z.uuid(), heartbeatAt: z.number().nullable().optional() }),
  // stately: at most one poll queued and one running per job.
  queue: { policy: 'stately', retryLimit: 3, retryDelay: 1, expireInSeconds: 120, heartbeatSeconds: 10 },
  // Up to 40 polls at once, fetched ten at a time (those due on time first): a poll mostly waits on the database and
  // the provider, so 200 running jobs are not held to one poll per worker per fetch interval.
  concurrency: 4,
  batchSize: 10,
  parallelBatch: true,
});

/** The second phase of a cancel: tells the provider (training/cancel-training-job.ts). */
export const cancelAtProviderJob = defineJob({
  name: 'training-cancel',
  payload: z.object({ jobId: z.uuid() }),
  queue: { retryLimit: 20, retryDelay: 2, retryBackoff: true, retryDelayMax: 60, expireInSeconds: 120, heartbeatSeconds: 10 },
  concurrency: 4,
});

/** Every minute: a poll for each active job whose poll chain broke (training/poll-provider.ts). */
export const reconcileTrainingJobs = defineJob({
  name: 'training-reconcile',
  payload: z.object({}),
  queue: { retryLimit: 1, expireInSeconds: 300 },
  schedule: { cron: '* * * * *', data: {} },
});

/** Stores the model of a COMPLETED job (artifacts/store-model-artifact.ts). */
export const createArtifactJob = defineJob({
  name: 'artifact-create',
  payload: z.object({ jobId: z.uuid() }),
  // stately: one run at a time per training job (singletonKey = job id).
  queue: { policy: 'stately', retryLimit: ARTIFACT_RETRY_LIMIT, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 60 * 60, heartbeatSeconds: 10 },
  concurrency: 2,
});

/** Daily at 00:05 UTC: storage cost records, then monthly budgets (costs/storage-cost.ts). */
export const accrueStorageCostJob = defineJob({
  name: 'costs-accrue-storage',
  payload: z.object({ day: z.iso.date().optional().describe('one UTC day (YYYY-MM-DD); default the last complete days') }),
  queue: { policy: 'singleton', retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 },
  schedule: { cron: '5 0 * * *', data: {} },
});

/** Every minute: expired uploads and deleted datasets' files (datasets/lifecycle.ts). */
export const sweepDatasetsJob = defineJob({
  name: 'datasets-sweep',
  payload: z.object({}),
  queue: { policy: 'singleton', retryLimit: 2, retryDelay: 30, expireInSeconds: 10 * 60 },
  schedule: { cron: '* * * * *', data: {} },
});

/** Every ten minutes: validations and model copies that stopped moving end in a clear state. */
export const endStuckWorkJob = defineJob({
  name: 'stuck-work-end',
  payload: z.object({}),
  queue: { policy: 'singleton', retryLimit: 1, expireInSeconds: 10 * 60 },
  schedule: { cron: '*/10 * * * *', data: {} },
});

const deliveryRun = z.object({
  deliveryId: z.uuid(),
  /** Attempts recorded before this one: a second run of the same queue job finds it recorded and stops. */
  attempt: z.number().int().min(0),
  /** Index of the wait before the next try, in the retry schedule. */
  retry: z.number().int().min(0),
});

export type DeliveryRun = z.infer<typeof deliveryRun>;

/** One attempt of an outgoing webhook delivery; the retry schedule is the domain's (outbound-webhooks/deliver.ts). */
export const deliverOutboundWebhookJob = defineJob({
  name: 'outbound-webhook-deliver',
  payload: deliveryRun,
  // The heartbeat hands a killed worker's attempt to another within seconds.
  queue: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60, heartbeatSeconds: 10 },
  concurrency: 8,
  // A busy queue is drained without waiting for the next poll; a repeated attempt finds itself recorded and stops.
  batchSize: 10,
});

/** Every day: outgoing webhook events past WEBHOOK_RETENTION_DAYS (outbound-webhooks/sweep.ts). */
export const sweepOutboundWebhooksJob = defineJob({
  name: 'outbound-webhooks-sweep',
  payload: z.object({}),
  queue: { policy: 'singleton', retryLimit: 2, retryDelay: 60, expireInSeconds: 30 * 60 },
  schedule: { cron: '17 3 * * *', data: {} },
});

/** All of them: their queues are created at start whether or not the process runs workers. */
export const jobDefinitions: readonly JobDefinition<unknown>[] = [
  validateDatasetJob,
  submitTrainingJob,
  pollTrainingJob,
  cancelAtProviderJob,
  reconcileTrainingJobs,
  createArtifactJob,
  accrueStorageCostJob,
  sweepDatasetsJob,
  endStuckWorkJob,
  deliverOutboundWebhookJob,
  sweepOutboundWebhooksJob,
];
