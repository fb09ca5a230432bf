// This process's Prometheus metrics, served at /metrics (server/http/metrics.ts):
// HTTP latency by route kind, GraphQL operations by type, queue depth, wait,
// duration and overdue jobs, training jobs and datasets per status, graphql-ws
// connections and subscriptions, ingested metric points and their delay to
// subscribers, refused user tokens, GPU provider errors, pubsub reconnects,
// and Node's own process metrics. Code that counts something reaches it
// through services.observability.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrainingJobCounts } from './counts.js';

/** What an HTTP request was for: the latency histogram's `route` label. */
export type RouteKind = 'graphql' | 'webhook' | 'storage' | 'web' | 'health' | 'metrics' | 'auth';

/** Read when Prometheus scrapes, rather than counted as things happen. */
export interface ScrapeSources {
  queues(): Promise<Record<string, { queued: number; active: number; failed: number }>>;
  websockets(): { connections: number; subscriptions: number };
  /** Active queue jobs per queue past their heartbeat or expiry (observability/counts.ts). */
  overdueQueueJobs(): Promise<Record<string, number>>;
  trainingJobs(): Promise<TrainingJobCounts>;
  datasets(): Promise<Record<string, number>>;
}

/** A gauge set from one read per scrape; a read that fails leaves the series out (/healthz says why). */
function gaugeFrom<L extends string>(name: string, help: string, labelNames: readonly L[], registers: Registry[], read: () => Promise<[Partial<Record<L, string>>, number][]>) {
  return new Gauge({
    name,
    help,
    labelNames,
    registers,
    async collect() {
      this.reset();
      for (const [labels, value] of await read().catch(() => [])) this.set(labels, value);
    },
  });
}

export function createObservability(sources: ScrapeSources) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  gaugeFrom(
    'brightrun_queue_jobs',
    'Jobs per pg-boss queue and state (queued, active, failed and still retained), as pg-boss last counted them (it recounts about once a minute).',
    ['queue', 'state'],
    registers,
    async () =>
      Object.entries(await sources.queues()).flatMap(([queue, counts]) =>
        (['queued', 'active', 'failed'] as const).map((state): [{ queue: string; state: string }, number] => [{ queue, state }, counts[state]]),
      ),
  );
  gaugeFrom(
    'brightrun_queue_jobs_overdue',
    "Active pg-boss jobs per queue whose worker has gone quiet: no heartbeat for the job's heartbeat interval, or running past its expiry. pg-boss's supervisor fails or retries such a job within seconds; one that stays counted is work held by a dead worker that nothing releases.",
    ['queue'],
    registers,
    async () => Object.entries(await sources.overdueQueueJobs()).map(([queue, n]) => [{ queue }, n]),
  );
  // Two gauges from one query: the registry collects them together, so the second joins the first's read.
  let jobCountsRead: Promise<TrainingJobCounts> | null = null;
  const jobCounts = () => (jobCountsRead ??= sources.trainingJobs().finally(() => (jobCountsRead = null)));
  gaugeFrom('brightrun_training_jobs', 'Training jobs per status, read from the database.', ['status'], registers, async () =>
    Object.entries((await jobCounts()).jobs).map(([status, n]) => [{ status }, n]),
  );
  gaugeFrom(
    'brightrun_training_jobs_quiet_seconds',
    'Per status of jobs not ended (QUEUED, INITIALIZING, RUNNING): seconds since the training job that has been quiet longest last moved (new steps, a new stage, or a status change), read from the database. For INITIALIZING and RUNNING it should stay under HEARTBEAT_TIMEOUT_SECONDS plus a poll: the server fails jobs quiet for longer.',
    ['status'],
    registers,
    async () => Object.entries((await jobCounts()).quietSeconds).map(([status, seconds]) => [{ status }, seconds]),
  );
  gaugeFrom('brightrun_datasets', 'Datasets per status (deleted ones left out), read from the database.', ['status'], registers, async () =>
    Object.entries(await sources.datasets()).map(([status, n]) => [{ status }, n]),
  );
  new Gauge({
    name: 'brightrun_graphql_ws_connections',
    help: 'Open graphql-ws connections that completed connection_init.',
    registers,
    collect() {
      this.set(sources.websockets().connections);
    },
  });
  new Gauge({
    name: 'brightrun_graphql_ws_subscriptions',
    help: 'Subscriptions streaming over graphql-ws.',
    registers,
    collect() {
      this.set(sources.websockets().subscriptions);
    },
  });

  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'brightrun_http_request_duration_seconds',
      help: 'HTTP requests by route kind and status, from arrival to the last byte sent (WebSocket traffic not included).',
      labelNames: ['route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    graphqlOperations: new Counter({
      name: 'brightrun_graphql_operations_total',
      help: 'GraphQL operations started, over HTTP and graphql-ws, by type (query, mutation, subscription).',
      labelNames: ['type'] as const,
      registers,
    }),
    tokenRefusals: new Counter({
      name: 'brightrun_token_refusals_total',
      help: 'User tokens refused, by the reason the client was given (IDENTITY_PROVIDER_UNAVAILABLE: the key set could not be fetched; SIGNING_KEY_UNKNOWN: a kid the key set lacks).',
      labelNames: ['reason'] as const,
      registers,
    }),
    queueJobWait: new Histogram({
      name: 'brightrun_queue_job_wait_seconds',
      help: 'Per queue: seconds a pg-boss job waited for a worker, from when it was due (created, or its start-after or retry time) to a worker taking it, by the database clock.',
      labelNames: ['queue'] as const,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    queueJobDuration: new Histogram({
      name: 'brightrun_queue_job_duration_seconds',
      help: "Per queue and outcome (completed, failed): seconds this process's handler ran a pg-boss job.",
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    providerErrors: new Counter({
      name: 'brightrun_gpu_provider_errors_total',
      help: 'Failed calls from this process to the GPU provider, by provider, operation (submit, status, cancel, openArtifact) and kind (unavailable: no answer, 5xx, 408, 429 or a malformed answer; rejected: another 4xx; error: anything else).',
      labelNames: ['provider', 'operation', 'kind'] as const,
      registers,
    }),
    pubsubReconnects: new Counter({
      name: 'brightrun_pubsub_reconnects_total',
      help: "Times this process's LISTEN connection for pubsub events came back after losing PostgreSQL; events published meanwhile were missed (subscribers then read from the database).",
      registers,
    }),
    metricPushDelay: new Histogram({
      name: 'brightrun_metric_push_delay_seconds',
      help: 'Seconds from a GPU callback carrying new metric points reaching the server (any process) to this process having pushed them to, or woken, every subscriber of that job here. One observation per callback per process with subscribers of the job; points found by polling are not timed. Across processes, clock skew between hosts adds in.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    pointsIngested: new Counter({
      name: 'brightrun_metric_points_ingested_total',
      help: 'Training metric points stored by this process (a point delivered twice counts once).',
      registers,
    }),
  };
}

export type Observability = ReturnType<typeof createObservability>;

/** Counts each GraphQL operation as it starts to execute. */
export function useOperationMetrics(observability: Observability): Plugin {
  return {
    onExecute({ args }) {
      const type = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
      observability.graphqlOperations.inc({ type });
    },
    onSubscribe() {
      observability.graphqlOperations.inc({ type: 'subscription' });
    },
  };
}
