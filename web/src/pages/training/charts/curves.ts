// From metric points to what a loss chart draws: per run, the raw and smoothed training curve and the
// validation points, on an x axis of steps or tokens trained; the domain that spans the data; and the
// state of a chart's controls. The curve maths itself lives in server/training/loss-curve.ts, shared with
// the model rating.
import { useState } from 'react';
import { bestPoint, detectOverfit, smoothCurve, type CurvePoint, type Overfit } from '../../../../../server/training/loss-curve';
import type { MetricPoint } from '../metrics';

export type XAxis = 'step' | 'tokens';

export interface RunInput {
  id: string;
  label: string;
  color: string;
  points: readonly MetricPoint[];
}

export interface RunCurves {
  id: string;
  label: string;
  color: string;
  raw: CurvePoint[];
  smoothed: CurvePoint[];
  validation: CurvePoint[];
  best: CurvePoint | null;
}

export interface ChartView {
  /** EMA weight, 0 (off) to 0.99. */
  smoothing: number;
  logScale: boolean;
  /** The x range dragged out, or null for the whole run. */
  zoom: [number, number] | null;
  xAxis: XAxis;
}

export const DEFAULT_SMOOTHING = 0.6;

export function useChartView(initial: Partial<ChartView> = {}) {
  const [view, setView] = useState<ChartView>({ smoothing: DEFAULT_SMOOTHING, logScale: false, zoom: null, xAxis: 'step', ...initial });
  const update = (change: Partial<ChartView>) => setView((v) => ({ ...v, ...change }));
  return [view, update] as const;
}

function xOf(point: MetricPoint, axis: XAxis): number | null {
  return axis === 'step' ? point.step : (point.tokensTrained ?? null);
}

function curveOf(points: readonly MetricPoint[], axis: XAxis, value: (p: MetricPoint) => number | null | undefined): CurvePoint[] {
  return points.flatMap((p) => {
    const x = xOf(p, axis);
    const y = value(p);
    return x == null || y == null || !Number.isFinite(y) ? [] : [{ step: x, value: y }];
  });
}

export function runCurves(run: RunInput, view: Pick<ChartView, 'smoothing' | 'xAxis'>): RunCurves {
  const raw = curveOf(run.points, view.xAxis, (p) => p.trainingLoss);
  const validation = curveOf(run.points, view.xAxis, (p) => p.validationLoss);
  return { id: run.id, label: run.label, color: run.color, raw, smoothed: smoothCurve(raw, view.smoothing), validation, best: bestPoint(validation) };
}

/** The overfitting a run's validation points show, always by step (the rule counts evaluations, not tokens). */
export function overfitOf(points: readonly MetricPoint[]): Overfit | null {
  return detectOverfit(curveOf(points, 'step', (p) => p.validationLoss));
}

/** The x range the data spans (never the planned steps), widened around a single x so it can draw. */
export function dataDomain(runs: readonly RunCurves[]): [number, number] | null {
  const xs = runs.flatMap((r) => [...r.raw, ...r.validation].map((p) => p.step));
  if (xs.length === 0) return null;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return min === max ? [Math.max(0, min - 1), max + 1] : [min, max];
}

/** The y range of what is visible, padded; positive only on a log scale. */
export function valueDomain(values: readonly number[], log: boolean): [number, number] | null {
  const usable = log ? values.filter((v) => v > 0) : values;
  if (usable.length === 0) return null;
  const min = Math.min(...usable);
  const max = Math.max(...usable);
  if (log) return [min / 1.08, max * 1.08];
  const pad = (max - min) * 0.06 || Math.abs(max) * 0.05 || 1;
  return [min - pad, max + pad];
}

/** `count` tick values spread evenly, geometrically on a log scale. */
export function ticksOf([min, max]: [number, number], count: number, log: boolean): number[] {
  return Array.from({ length: count }, (_, i) => (log ? min * (max / min) ** (i / (count - 1)) : min + ((max - min) * i) / (count - 1)));
}
