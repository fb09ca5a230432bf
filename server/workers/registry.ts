// Every job kind's handler, paired with its definition. Processes that run workers (app/app.ts) start one worker
// per entry; nothing below this folder imports it (domain code enqueues through server/queue/definitions.ts).
import type { JobWorker } from '../queue/define.js';
import type { Services } from '../services/services.js';
import { accrueStorageCostWorker } from './accrue-storage-cost.js';
import { cancelAtProviderWorker } from './cancel-at-provider.js';
import { createArtifactWorker } from './create-artifact.js';
import { deliverOutboundWebhookWorker } from './deliver-outbound-webhook.js';
import { endStuckWorkWorker } from './end-stuck-work.js';
import { pollTrainingWorker } from './poll-training-job.js';
import { reconcileTrainingWorker } from './reconcile-training-jobs.js';
import { submitTrainingWorker } from './submit-training-job.js';
import { sweepDatasetsWorker } from './sweep-datasets.js';
import { sweepOutboundWebhooksWorker } from './sweep-outbound-webhooks.js';
import { validateDatasetWorker } from './validate-dataset.js';

export const jobWorkers: readonly JobWorker<unknown, Services>[] = [
  validateDatasetWorker,
  submitTrainingWorker,
  pollTrainingWorker,
  cancelAtProviderWorker,
  reconcileTrainingWorker,
  createArtifactWorker,
  accrueStorageCostWorker,
  sweepDatasetsWorker,
  endStuckWorkWorker,
  deliverOutboundWebhookWorker,
  sweepOutboundWebhooksWorker,
];
