// training-submit: training/submit-to-provider.ts.
import { submitTrainingJob } from '../queue/definitions.js';
import { submitToProvider } from '../training/submit-to-provider.js';
import { implement } from './context.js';

export const submitTrainingWorker = implement(submitTrainingJob, ({ jobId }, ctx) => submitToProvider(ctx.services, jobId, ctx));
