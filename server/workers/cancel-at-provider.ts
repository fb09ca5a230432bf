// training-cancel: training/cancel-at-provider.ts.
import { cancelAtProviderJob } from '../queue/definitions.js';
import { cancelAtProvider } from '../training/cancel-at-provider.js';
import { implement } from './context.js';

export const cancelAtProviderWorker = implement(cancelAtProviderJob, ({ jobId }, { services }) => cancelAtProvider(services, jobId));
