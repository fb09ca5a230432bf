// Metric series: TrainingJob.metrics(maxPoints), downsampled for charts, and
// the trainingMetrics subscription, which replays stored points after
// afterStep and then pushes new ones in batches with no gap and no duplicate.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { downsampledSeries } from '../server/training/downsample.js';
import type { MetricBatch } from '../server/metrics/metric-feed.js';
import { jobHasEnded } from '../server/training/transitions.js';
import { builder } from './builder.js';
import { assertViewerOwns } from './subscriptions.js';
import { MetricPointRef, TrainingJobRef } from './training.js';

builder.prismaObjectField('TrainingJob', 'metrics', (t) =>
  t.field({
    type: [MetricPointRef],
    description: 'The stored series, downsampled to at most maxPoints keeping its shape (lowest and highest loss per bucket, validation points, first and last).',
    args: { maxPoints: t.arg.int({ defaultValue: 1000, description: 'At most 10,000.' }) },
    select: { id: true },
    resolve: (job, { maxPoints }) => downsampledSeries(job.id, Math.min(10_000, Math.max(2, maxPoints ?? 1000))),
  }),
);

builder.prismaObjectField('TrainingJob', 'bestValidation', (t) =>
  t.field({
    type: MetricPointRef,
    nullable: true,
    description: 'The evaluated point with the lowest validation loss (the earliest of equals); null before the first evaluation.',
    select: { metrics: { where: { validationLoss: { not: null } }, orderBy: [{ validationLoss: 'asc' }, { step: 'asc' }], take: 1 } },
    resolve: (job) => {
      const point = job.metrics[0];
      return point ? { ...point, tokensTrained: point.tokensTrained === null ? null : Number(point.tokensTrained) } : null;
    },
  }),
);

const BatchRef = builder.objectRef<MetricBatch>('TrainingMetricsBatch').implement({
  description: 'New points in step order. Resume after a reconnect with afterStep = the last step received.',
  fields: (t) => ({
    jobId: t.id({ resolve: (b) => encodeGlobalID('TrainingJob', b.jobId) }),
    points: t.field({ type: [MetricPointRef], resolve: (b) => b.points }),
    lastStep: t.int({ resolve: (b) => b.points.at(-1)?.step ?? 0 }),
  }),
});

builder.subscriptionField('trainingMetrics', (t) =>
  t.field({
    type: BatchRef,
    description: 'Points after afterStep (default 0): first the stored ones, then each new batch as it lands. Completes when the job has ended and every point was sent.',
    authScopes: { user: true },
    args: { jobId: t.arg.globalID({ required: true, for: TrainingJobRef }), afterStep: t.arg.int({ defaultValue: 0 }) },
    // Not a generator of our own: the hub's iterator is returned as it is, so its batch objects reach the
    // executor unchanged (subscribers at one step share one execution) and a closing subscriber is let go at once.
    subscribe: async (_root, { jobId, afterStep }, ctx) => {
      await assertViewerOwns(ctx, 'TrainingJob', jobId.id);
      return ctx.services.metricFeeds.watch(jobId.id, afterStep ?? 0, () => jobHasEnded(jobId.id), ctx.pushEvent ?? null);
    },
    resolve: (batch: MetricBatch) => batch,
  }),
);
