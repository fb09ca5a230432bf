// Every background job kind. app.ts creates their queues at start and, in
// processes that run workers, starts a worker for each.
import type { JobKind } from '../queue/define.js';
import { accrueStorageCostJob } from './accrue-storage-cost.js';
import { cancelAtProviderJob } from './cancel-at-provider.js';
import { createArtifactJob } from './create-artifact.js';
import { endStuckWorkJob } from './end-stuck-work.js';
import { pollTrainingJob } from './poll-training-job.js';
import { reconcileTrainingJobs } from './reconcile-training-jobs.js';
import { submitTrainingJob } from './submit-training-job.js';
import { sweepDatasetsJob } from './sweep-datasets.js';
import { deliverOutboundWebhookJob } from './deliver-outbound-webhook.js';
import { sweepOutboundWebhooksJob } from './sweep-outbound-webhooks.js';
import { validateDatasetJob } from './validate-dataset.js';

export const jobKinds: JobKind<any>[] = [validateDatasetJob, submitTrainingJob, pollTrainingJob, cancelAtProviderJob, reconcileTrainingJobs, createArtifactJob, accrueStorageCostJob, sweepDatasetsJob, endStuckWorkJob, deliverOutboundWebhookJob, sweepOutboundWebhooksJob];
