// training-cancel: training/cancel-training-job.ts (cancelAtProvider).
import { cancelAtProviderJob } from '../queue/definitions.js';
import { cancelAtProvider } from '../training/cancel-training-job.js';
import { implement } from './context.js';

export const cancelAtProviderWorker = implement(cancelAtProviderJob, ({ jobId }, { services }) => cancelAtProvider(services, jobId));
