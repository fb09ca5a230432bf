// training-poll: one poll (training/poll-provider.ts), then the next, as long as the job needs one.
import { pollTrainingJob } from '../queue/definitions.js';
import { pollJob, schedulePoll } from '../training/poll-provider.js';
import { implement } from './context.js';

export const pollTrainingWorker = implement(pollTrainingJob, async ({ jobId }, { services, log }) => {
  const nextInSeconds = await pollJob(services, jobId, log);
  if (nextInSeconds !== null) await schedulePoll(services, jobId, nextInSeconds);
});
