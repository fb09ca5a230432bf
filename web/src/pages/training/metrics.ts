// A job's metric series for the charts: the stored series once (downsampled by the server), then every new
// batch from trainingMetrics appended as it lands. No polling; a reconnect replays and duplicates are merged.
import { useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../gql';
import type { MetricValuesFragment } from '../../gql/graphql';

graphql(`
  fragment MetricValues on MetricPoint {
    step
    epoch
    trainingLoss
    validationLoss
    learningRate
    gradNorm
    throughput
    tokensTrained
    gpuUtilization
    recordedAt
  }
`);

const StoredMetrics = graphql(`
  query StoredMetrics($id: ID!, $maxPoints: Int!) {
    trainingJob(id: $id) {
      id
      metrics(maxPoints: $maxPoints) {
        ...MetricValues
      }
    }
  }
`);

const NewMetrics = graphql(`
  subscription NewMetrics($jobId: ID!, $afterStep: Int!) {
    trainingMetrics(jobId: $jobId, afterStep: $afterStep) {
      lastStep
      points {
        ...MetricValues
      }
    }
  }
`);

/** Points loaded at first; the server keeps the curve's shape within this many. */
const STORED_POINTS = 800;
/** Past this, older points are thinned so a very long run stays smooth to draw. */
const MAX_POINTS = 3000;

export type MetricPoint = MetricValuesFragment;

/** One point per step, in step order; thinned (keeping validation points and the latest) past `max`. */
export function mergeSeries(parts: readonly (readonly MetricPoint[])[], max = MAX_POINTS): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  for (const part of parts) for (const point of part) byStep.set(point.step, { ...byStep.get(point.step), ...point });
  const points = [...byStep.values()].sort((a, b) => a.step - b.step);
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  return points.filter((point, i) => i % stride === 0 || point.validationLoss != null || i === points.length - 1);
}

/** `jobId` null: no job to read (the route names none). */
export function useMetricSeries(jobId: string | null, live: boolean) {
  const [stored] = useQuery({ query: StoredMetrics, variables: { id: jobId ?? '', maxPoints: STORED_POINTS }, pause: !jobId });
  const initial = stored.data?.trainingJob?.metrics;
  const afterStep = initial?.length ? initial[initial.length - 1]!.step : 0;
  const [added] = useSubscription({ query: NewMetrics, variables: { jobId: jobId ?? '', afterStep }, pause: !live || !initial }, (batches: MetricPoint[][] = [], batch) => [
    ...batches,
    batch.trainingMetrics.points,
  ]);
  const batches = added.data;
  const points = useMemo(() => mergeSeries([initial ?? [], ...(batches ?? [])]), [initial, batches]);
  return { points, loading: !initial && stored.fetching, error: stored.error };
}
