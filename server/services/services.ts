// What the domain layer needs at run time, made once per process by app/app.ts
// and handed to resolvers (through the GraphQL context), workers and webhooks.
import type { Config } from '../config.js';
import type { GpuProvider } from '../gpu/provider.js';
import type { ObjectStorage } from '../storage/index.js';
import type { MetricFeedHub } from '../metrics/metric-feed.js';
import type { AppPubSub } from '../events/pubsub.js';
import type { JobQueue } from '../queue/queue.js';
import type { Logger } from '../log.js';
import type { Observability } from '../observability/metrics.js';
import type { SharedSubscriptionResults } from '../graphql/shared-subscription-results.js';

export interface Services {
  config: Config;
  /** Signs local tokens, callback tokens and local storage URLs. */
  secret: string;
  log: Logger;
  pubsub: AppPubSub;
  jobs: JobQueue;
  storage: ObjectStorage;
  gpu: GpuProvider;
  /** Live metric points, fanned out to this process's subscribers. */
  metricFeeds: MetricFeedHub;
  /** Subscription results shared among a viewer's subscribers of the same event (a Yoga plugin). */
  subscriptionResults: SharedSubscriptionResults;
  /** Where browsers and the GPU provider reach this server. */
  publicUrl: string;
  /** Prometheus metrics (/metrics): count here, e.g. observability.pointsIngested.inc(n). */
  observability: Observability;
}
