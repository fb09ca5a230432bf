// pg-boss wrapped for typed jobs: queues created at start, payloads validated
// when enqueued and when run, enqueue inside a caller's transaction. Knows job
// definitions and, to run them, workers (a definition with its handler); never
// the services the handlers are given, so every layer may enqueue.
import { PgBoss, type JobResult, type JobWithMetadata } from 'pg-boss';
import type { JobDefinition, JobWorker } from './define.js';
import { errorKey, logRepeatsOnce, withLogContext, type Logger } from '../log.js';

/** The queue's Prometheus histograms (services.observability has them). */
export interface QueueObservability {
  queueJobWait: { observe(labels: { queue: string }, seconds: number): void };
  queueJobDuration: { observe(labels: { queue: string; outcome: 'completed' | 'failed' }, seconds: number): void };
}

/** Anything that can run SQL: a pg pool, or a transaction that pg-boss should join. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Lets pg-boss write its job inside a Prisma interactive transaction. */
export function inTransaction(tx: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }): SqlExecutor {
  return { executeSql: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }) };
}

export interface EnqueueOptions {
  singletonKey?: string;
  startAfter?: number | Date;
  /** Among jobs due at once, higher first (pg-boss's priority; default 0). */
  priority?: number;
  /** Enqueue in this transaction: the job exists only if the transaction commits. */
  tx?: SqlExecutor;
}

export class JobQueue {
  private readonly workerIds: string[] = [];

  constructor(
    readonly boss: PgBoss,
    private readonly log: Logger,
  ) {}

  async createQueues(kinds: readonly JobDefinition<unknown>[]): Promise<void> {
    for (const kind of kinds) {
      const options = { retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 15 * 60, ...kind.queue };
      if (!(await this.boss.getQueue(kind.name))) await this.boss.createQueue(kind.name, options);
      else {
        const { policy: _policy, retryDelayMax: _max, heartbeatSeconds: _heartbeat, ...updatable } = options;
        await this.boss.updateQueue(kind.name, updatable);
      }
      if (kind.schedule) await this.boss.schedule(kind.name, kind.schedule.cron, kind.payload.parse(kind.schedule.data) as object, { tz: 'UTC', missed: 'once' });
    }
  }

  async enqueue<T>(kind: JobDefinition<T>, data: T, options: EnqueueOptions = {}): Promise<string | null> {
    const payload = kind.payload.parse(data) as object;
    return this.boss.send(kind.name, payload, {
      // On each job too: a queue made before its kind had a heartbeat keeps the queue's old settings.
      ...(kind.queue?.heartbeatSeconds ? { heartbeatSeconds: kind.queue.heartbeatSeconds } : {}),
      singletonKey: options.singletonKey,
      startAfter: options.startAfter,
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      db: options.tx,
    });
  }

  /** Queued, active and failed (still retained) jobs per queue, for /healthz and /metrics. */
  async stats(): Promise<Record<string, { queued: number; active: number; failed: number }>> {
    const queues = await this.boss.getQueues();
    return Object.fromEntries(queues.map((q) => [q.name, { queued: q.queuedCount, active: q.activeCount, failed: q.failedCount }]));
  }

  /** Starts a worker per kind; each handler is given `services` (whatever the process hands its workers). */
  async work<S extends { observability: QueueObservability }>(workers: readonly JobWorker<unknown, S>[], services: S): Promise<void> {
    for (const worker of workers) {
      const kind = worker.definition;
      const options = {
        localConcurrency: kind.concurrency ?? 1,
        batchSize: kind.batchSize ?? 1,
        burstWhenBatchFull: (kind.batchSize ?? 1) > 1,
        pollingIntervalSeconds: 0.5,
        includeMetadata: true as const,
      };
      const runOne = (job: Job) => withLogContext(runBindings(kind.name, job), () => this.run(worker, job, services));
      const id = kind.parallelBatch
        ? // Each job of the fetch settles on its own: one that failed is retried, the others are done.
          await this.boss.work(kind.name, { ...options, perJobResults: true }, (jobs) =>
            Promise.all(
              jobs.map(async (job): Promise<JobResult> => {
                try {
                  await runOne(job);
                  return { id: job.id, status: 'completed' };
                } catch (err) {
                  return { id: job.id, status: 'failed', output: { message: (err as Error).message ?? String(err) } };
                }
              }),
            ),
          )
        : await this.boss.work(kind.name, options, async (jobs) => {
            for (const job of jobs) await runOne(job);
          });
      this.workerIds.push(id);
    }
  }

  private async run<T, S extends { observability: QueueObservability }>(worker: JobWorker<T, S>, job: Job, services: S): Promise<void> {
    const kind = worker.definition;
    const { queueJobWait, queueJobDuration } = services.observability;
    // Due when created, or at its start-after or retry time; all three by the database's clock.
    const due = Math.max(job.createdOn.getTime(), job.startAfter.getTime());
    queueJobWait.observe({ queue: kind.name }, Math.max(0, job.startedOn.getTime() - due) / 1000);
    const parsed = kind.payload.safeParse(job.data);
    if (!parsed.success) {
      // A payload that no longer fits its schema will never succeed: fail it without retrying forever.
      this.log.error('invalid job payload', { issues: parsed.error.issues });
      throw new Error(`invalid payload for ${kind.name}`);
    }
    const started = Date.now();
    const took = (outcome: 'completed' | 'failed') => {
      const ms = Date.now() - started;
      queueJobDuration.observe({ queue: kind.name, outcome }, ms / 1000);
      return ms;
    };
    try {
      await worker.handle(parsed.data, { services, log: this.log, jobId: job.id, retryCount: job.retryCount, signal: job.signal });
      this.log.debug('job done', { ms: took('completed') });
    } catch (err) {
      this.log.warn('job failed', { err, retryCount: job.retryCount, ms: took('failed') });
      throw err;
    }
  }

  /** Stops taking jobs, lets running ones finish (up to timeoutMs), then closes pg-boss. */
  async stop(timeoutMs = 20_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs });
  }
}

type Job = Pick<JobWithMetadata<unknown>, 'id' | 'data' | 'retryCount' | 'signal' | 'createdOn' | 'startAfter' | 'startedOn'>;

/**
 * Bound to every line logged while a job runs: its queue, its pg-boss id (queueJobId: handlers log
 * `jobId` for the training job), and the training job or dataset its payload names.
 */
function runBindings(queue: string, job: Job): Record<string, unknown> {
  const { jobId, datasetId } = (job.data ?? {}) as { jobId?: unknown; datasetId?: unknown };
  return { queue, queueJobId: job.id, ...(typeof jobId === 'string' && { trainingJobId: jobId }), ...(typeof datasetId === 'string' && { datasetId }) };
}

/** `migrate: false` for a role without DDL rights: pg-boss then only checks its schema is there (db/prepare.ts made it). */
export async function startBoss(connectionString: string, schema: string, log: Logger, options: { migrate?: boolean; supervise?: boolean } = {}): Promise<PgBoss> {
  // Short supervise and monitor intervals find jobs whose worker died (missed heartbeats) within seconds:
  // pg-boss checks heartbeats only on a queue's monitor pass, once a minute by default.
  const boss = new PgBoss({ connectionString, schema, application_name: 'brightrun-queue', max: 4, superviseIntervalSeconds: 5, monitorIntervalSeconds: 5, ...options });
  // With the database down, every worker's every poll fails: one line per distinct error and interval.
  // pg-boss appends " (Queue: …, Worker: <uuid>)" to a worker's error, which would make each worker's its own.
  const errors = logRepeatsOnce(log, { errorKey: (err) => errorKey(err).replace(/ \(Queue: .*\)$/s, '') });
  boss.on('error', (err: Error) => errors.error('pg-boss error', { err }));
  boss.on('stopped', () => errors.flush());
  await boss.start();
  return boss;
}
