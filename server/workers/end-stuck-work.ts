// stuck-work-end: work that stopped moving ends in a clear state with a notification, whatever lost it (a queue
// job whose retries were all spent on dying workers, a purged queue): validations (datasets) and model copies
// (artifacts). Training jobs have their own heartbeat timeout (training/heartbeat.ts).
import { endStuckModelCopies } from '../artifacts/create-model-artifact.js';
import { endStuckValidations } from '../datasets/validate-uploaded-dataset.js';
import { endStuckWorkJob } from '../queue/definitions.js';
import { implement } from './context.js';

export const endStuckWorkWorker = implement(endStuckWorkJob, async (_data, { services, log }) => {
  const now = Date.now();
  await endStuckValidations(services, log, now);
  await endStuckModelCopies(services, log, now);
});
