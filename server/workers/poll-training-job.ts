// training-poll: one poll (training/poll-provider.ts), then the next, as long as the job needs one.
import { pollTrainingJob } from '../queue/definitions.js';
import { pollJob, schedulePoll } from '../training/poll-provider.js';
import { implement } from './context.js';

export const pollTrainingWorker = implement(pollTrainingJob, async ({ jobId, heartbeatAt }, { services, log }) => {
  const next = await pollJob(services, jobId, log, heartbeatAt ?? null);
  if (next !== null) await schedulePoll(services, jobId, next.inSeconds, next.heartbeatAt);
});
