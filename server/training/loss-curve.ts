// Reading a loss curve, in one pure module that the server (a model's rating) and the web client (the charts)
// share: EMA smoothing as TensorBoard does it, the best validation step, and the overfitting rule.
// No imports, so both the server and the browser bundle can load it.

export interface CurvePoint {
  step: number;
  value: number;
}

/**
 * Exponential moving average with TensorBoard's debiasing: weight 0 returns the values, 0.99 nearly flattens
 * them, and the first points are not dragged towards zero. Points keep their steps; non-finite values are skipped.
 */
export function smoothCurve(points: readonly CurvePoint[], weight: number): CurvePoint[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let debias = 0;
  const out: CurvePoint[] = [];
  for (const { step, value } of points) {
    if (!Number.isFinite(value)) continue;
    last = last * w + (1 - w) * value;
    debias = debias * w + (1 - w);
    out.push({ step, value: last / debias });
  }
  return out;
}

/** The lowest point (the earliest of equal ones); null for an empty curve. */
export function bestPoint(points: readonly CurvePoint[]): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const point of points) if (Number.isFinite(point.value) && (best === null || point.value < best.value)) best = point;
  return best;
}

/**
 * When validation loss counts as overfitting: at least `minEvaluations` evaluations after the best one, the
 * last of them more than `minRise` above the best. `severeRise` marks a run that went badly past its best.
 */
export const OVERFIT_RULE = { minEvaluations: 2, minRise: 0.1, severeRise: 0.25 } as const;

export interface Overfit {
  bestStep: number;
  bestLoss: number;
  finalStep: number;
  finalLoss: number;
  /** (final − best) ÷ best: 0.48 means the final validation loss is 48% above the best. */
  rise: number;
  /** Evaluations after the best one. */
  evaluationsSince: number;
  severe: boolean;
}

/** The overfitting a validation curve (points in step order) shows by OVERFIT_RULE; null when it shows none. */
export function detectOverfit(validation: readonly CurvePoint[], rule = OVERFIT_RULE): Overfit | null {
  const points = validation.filter((p) => Number.isFinite(p.value));
  const best = bestPoint(points);
  const final = points[points.length - 1];
  if (!best || !final || best.value <= 0) return null;
  const evaluationsSince = points.length - 1 - points.indexOf(best);
  const rise = (final.value - best.value) / best.value;
  if (evaluationsSince < rule.minEvaluations || rise <= rule.minRise) return null;
  return { bestStep: best.step, bestLoss: best.value, finalStep: final.step, finalLoss: final.value, rise, evaluationsSince, severe: rise > rule.severeRise };
}

/** The sentence a person reads about an overfit run, the same on the chart and on the model. */
export function overfitMessage(o: Overfit, format = (v: number) => v.toFixed(3)): string {
  return (
    `Validation loss rose from ${format(o.bestLoss)} at step ${o.bestStep} to ${format(o.finalLoss)} at step ${o.finalStep} ` +
    `(${Math.round(o.rise * 100)}% above its best, over ${o.evaluationsSince} evaluations): the model is overfitting. ` +
    `Train fewer epochs or use the checkpoint near step ${o.bestStep}.`
  );
}
