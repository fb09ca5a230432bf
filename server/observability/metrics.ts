// This process's Prometheus metrics, served at /metrics (server/http/metrics.ts):
// HTTP latency by route kind, GraphQL operations by type, queue depth,
// graphql-ws connections and subscriptions, ingested metric points, refused
// user tokens, and Node's own process metrics. Code that counts something
// reaches it through services.observability.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What an HTTP request was for: the latency histogram's `route` label. */
export type RouteKind = 'graphql' | 'webhook' | 'storage' | 'web' | 'health' | 'metrics' | 'auth';

/** Read when Prometheus scrapes, rather than counted as things happen. */
export interface ScrapeSources {
  queues(): Promise<Record<string, { queued: number; active: number; failed: number }>>;
  websockets(): { connections: number; subscriptions: number };
}

export function createObservability(sources: ScrapeSources) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'brightrun_queue_jobs',
    help: 'Jobs per pg-boss queue and state (queued, active, failed and still retained), as pg-boss last counted them (it recounts about once a minute).',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      // A database that does not answer leaves the series out; /healthz says why.
      const queues = await sources.queues().catch(() => ({}));
      for (const [queue, counts] of Object.entries(queues)) {
        for (const state of ['queued', 'active', 'failed'] as const) this.set({ queue, state }, counts[state]);
      }
    },
  });
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
