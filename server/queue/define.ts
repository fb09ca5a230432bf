// A background job kind in two halves, as Hive's defineTask/implementTask: the
// definition (queue name, payload schema checked when enqueued and again when
// run, queue policy, schedule) is all that code enqueueing it imports; the
// handler is paired with it in server/workers. Handlers must be idempotent:
// pg-boss delivers at least once. A payload's `jobId` names a training job and
// its `datasetId` a dataset: both are bound to the run's log lines.
import type { z } from 'zod';
import type { Logger } from '../log.js';

export interface JobDefinition<T> {
  name: string;
  payload: z.ZodType<T>;
  queue?: {
    retryLimit?: number;
    retryDelay?: number;
    retryBackoff?: boolean;
    retryDelayMax?: number;
    expireInSeconds?: number;
    /** Workers prove they are alive this often; a job whose worker died is retried after it (>= 10). */
    heartbeatSeconds?: number;
    policy?: 'standard' | 'short' | 'singleton' | 'stately';
  };
  /** Also sent on this cron schedule (UTC), with this payload; pg-boss sends once however many processes run. */
  schedule?: { cron: string; data: T };
  /** Jobs run at once by each worker process. */
  concurrency?: number;
  /**
   * Jobs each of those workers takes per fetch, run one after another; while fetches come back full it fetches
   * again at once instead of waiting for the next poll. A throw fails the rest of its batch too (retried), so
   * only for kinds whose handler is cheap to run twice.
   */
  batchSize?: number;
  /**
   * The jobs of one fetch run at once rather than one after another, and each settles on its own (one that throws is
   * retried, the others complete): a busy queue of kinds whose runs mostly wait on I/O drains at the rate of its
   * fetches, not of its slowest run.
   */
  parallelBatch?: boolean;
}

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

/** What a handler is given besides its payload. `S` is what the process hands its workers (server/workers: Services). */
export interface JobRun<S> {
  services: S;
  /** Its lines carry the queue, queueJobId and the payload's trainingJobId or datasetId. */
  log: Logger;
  /** pg-boss's id for this run. */
  jobId: string;
  retryCount: number;
  signal: AbortSignal;
}

/** A definition paired with its handler: what a worker process runs. */
export interface JobWorker<T, S> {
  definition: JobDefinition<T>;
  handle(data: T, run: JobRun<S>): Promise<void>;
}

export function implementJob<T, S>(definition: JobDefinition<T>, handle: (data: T, run: JobRun<S>) => Promise<void>): JobWorker<T, S> {
  return { definition, handle };
}

/** What a domain function that runs as a queue job needs of its run: whether retries are left, and the run's log. */
export type JobAttempt = Pick<JobRun<unknown>, 'retryCount' | 'log'>;
