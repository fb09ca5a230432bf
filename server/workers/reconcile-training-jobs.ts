// training-reconcile: training/poll-provider.ts (reconcilePolls).
import { reconcileTrainingJobs } from '../queue/definitions.js';
import { reconcilePolls } from '../training/poll-provider.js';
import { implement } from './context.js';

export const reconcileTrainingWorker = implement(reconcileTrainingJobs, (_data, { services, log }) => reconcilePolls(services, log));
