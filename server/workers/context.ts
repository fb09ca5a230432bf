// What a handler in this process is given: the run (log, ids, retry count, abort signal) and the Services.
import { implementJob, type JobDefinition, type JobRun, type JobWorker } from '../queue/define.js';
import type { Services } from '../services/services.js';

export type JobContext = JobRun<Services>;

/** Pairs a definition (server/queue/definitions.ts) with its handler; the queue has checked the payload against the definition. */
export function implement<T>(definition: JobDefinition<T>, handle: (data: T, ctx: JobContext) => Promise<void>): JobWorker<T, Services> {
  return implementJob(definition, handle);
}
