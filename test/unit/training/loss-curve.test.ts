// server/training/loss-curve.ts: the smoothing, best step and overfitting rule the charts and the rating share.
import { describe, expect, it } from 'vitest';
import { bestPoint, detectOverfit, overfitMessage, smoothCurve, type CurvePoint } from '../../../server/training/loss-curve.js';

const curve = (values: number[], every = 1): CurvePoint[] => values.map((value, i) => ({ step: (i + 1) * every, value }));

describe('smoothCurve', () => {
  it('returns the values unchanged at weight 0 and keeps the steps', () => {
    const points = curve([3, 1, 2, 5]);
    expect(smoothCurve(points, 0)).toEqual(points);
  });

  it('is debiased: a constant curve stays constant from the first point', () => {
    for (const point of smoothCurve(curve([2, 2, 2, 2]), 0.9)) expect(point.value).toBeCloseTo(2, 12);
  });

  it('matches the EMA by hand and damps noise more as the weight grows', () => {
    const [a, b] = smoothCurve(curve([1, 3]), 0.5);
    expect(a!.value).toBeCloseTo(1, 12);
    // (0.5·0.5·1 + 0.5·3) ÷ (1 − 0.25)
    expect(b!.value).toBeCloseTo((0.25 * 1 + 0.5 * 3) / 0.75, 12);
    const noisy = curve(Array.from({ length: 200 }, (_, i) => 2 + (i % 2 ? 0.5 : -0.5)));
    const spread = (ps: CurvePoint[]) => Math.max(...ps.slice(50).map((p) => p.value)) - Math.min(...ps.slice(50).map((p) => p.value));
    expect(spread(smoothCurve(noisy, 0.6))).toBeLessThan(spread(noisy));
    expect(spread(smoothCurve(noisy, 0.95))).toBeLessThan(spread(smoothCurve(noisy, 0.6)));
  });

  it('skips non-finite values and handles one point and none', () => {
    expect(
      smoothCurve(
        [
          { step: 1, value: Number.NaN },
          { step: 2, value: 4 },
        ],
        0.8,
      ),
    ).toEqual([{ step: 2, value: 4 }]);
    expect(smoothCurve(curve([1.5]), 0.99)).toEqual([{ step: 1, value: 1.5 }]);
    expect(smoothCurve([], 0.5)).toEqual([]);
  });
});

describe('bestPoint', () => {
  it('is the lowest point, the earliest of equals', () => {
    expect(bestPoint(curve([3, 1, 2, 1], 10))).toEqual({ step: 20, value: 1 });
    expect(bestPoint([])).toBeNull();
  });
});

describe('detectOverfit', () => {
  it('flags a run whose validation loss rose from 1.03 to 1.53 at the end, as severe', () => {
    const o = detectOverfit(curve([1.6, 1.2, 1.03, 1.1, 1.3, 1.53], 100))!;
    expect(o).toMatchObject({ bestStep: 300, bestLoss: 1.03, finalStep: 600, finalLoss: 1.53, evaluationsSince: 3, severe: true });
    expect(o.rise).toBeCloseTo(0.5 / 1.03, 12);
    expect(overfitMessage(o)).toMatch(/rose from 1\.030 at step 300 to 1\.530 at step 600 \(49% above its best, over 3 evaluations\)/);
  });

  it('is mild between 10% and 25% above the best', () => {
    expect(detectOverfit(curve([1.2, 1.0, 1.05, 1.15]))).toMatchObject({ severe: false, bestStep: 2 });
  });

  it('does not flag a falling curve, a small rise, or a single late jump', () => {
    expect(detectOverfit(curve([2, 1.5, 1.2, 1.1]))).toBeNull();
    expect(detectOverfit(curve([1.2, 1.0, 1.04, 1.08]))).toBeNull();
    expect(detectOverfit(curve([1.5, 1.2, 1.0, 1.6]))).toBeNull();
    expect(detectOverfit(curve([1]))).toBeNull();
    expect(detectOverfit([])).toBeNull();
  });
});
