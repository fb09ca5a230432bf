// How the monitor's charts merge live metric batches into the series loaded first (web/src/pages/training/metrics.ts).
import { describe, expect, it } from 'vitest';
import { mergeSeries, type MetricPoint } from '../../../../web/src/pages/training/metrics';

function point(step: number, values: Partial<MetricPoint> = {}): MetricPoint {
  return {
    step,
    epoch: step / 100,
    trainingLoss: 2 - step / 1000,
    validationLoss: null,
    learningRate: 0.0002,
    gradNorm: 1,
    throughput: 900,
    tokensTrained: step * 512,
    gpuUtilization: 0.9,
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, step)).toISOString(),
    ...values,
  };
}

const steps = (points: MetricPoint[]) => points.map((p) => p.step);

describe('mergeSeries', () => {
  it('appends live batches after the stored series, one point per step in step order', () => {
    const stored = [point(1), point(2), point(3)];
    const merged = mergeSeries([stored, [point(4), point(5)], [point(6)]]);
    expect(steps(merged)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('merges a replayed step (a reconnect) into one point, the later batch filling in what it adds', () => {
    const stored = [point(9), point(10)];
    const replayed = [point(10, { validationLoss: 1.4 }), point(11)];
    const merged = mergeSeries([stored, replayed]);
    expect(steps(merged)).toEqual([9, 10, 11]);
    expect(merged.find((p) => p.step === 10)?.validationLoss).toBe(1.4);
  });

  it('puts a batch that arrives out of order in its place', () => {
    expect(steps(mergeSeries([[point(1), point(5)], [point(3)], [point(2), point(4)]]))).toEqual([1, 2, 3, 4, 5]);
  });

  it('thins a long series to about `max` points, keeping every validation point and the latest', () => {
    const long = Array.from({ length: 1000 }, (_, i) => point(i + 1, (i + 1) % 250 === 0 ? { validationLoss: 1 } : {}));
    const merged = mergeSeries([long.slice(0, 700), long.slice(690)], 100);
    expect(merged.length).toBeLessThanOrEqual(100 + 4 + 1);
    expect(merged.filter((p) => p.validationLoss != null).map((p) => p.step)).toEqual([250, 500, 750, 1000]);
    expect(merged.at(-1)?.step).toBe(1000);
    expect(steps(merged)).toEqual([...steps(merged)].sort((a, b) => a - b));
  });

  it('leaves a series within `max` whole', () => {
    const short = Array.from({ length: 50 }, (_, i) => point(i));
    expect(mergeSeries([short], 50)).toEqual(short);
  });
});
