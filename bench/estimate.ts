// Cost estimate benchmark: p50/p99 latency of estimateTrainingCost over 100,000 calls beside the bare arithmetic.
import { fileURLToPath } from 'node:url';
import { defaultBaseModel } from '../server/catalog/base-models.js';
import { findPreset, GPU_TYPES, presetHyperparameters } from '../server/catalog/training.js';
import { estimateTrainingCost, type EstimateInput } from '../server/training/estimate.js';
import { formatBenchRows, type BenchRow } from './report.js';

const CALLS = 100_000;
const WARM_UP_CALLS = 10_000;
/** The web page estimates on every keystroke: a call must stay far below a frame (16 ms). */
const P99_TARGET_MICROSECONDS = 20;

export async function runEstimateBench(): Promise<BenchRow[]> {
  const inputs = makeInputs();
  const hourlyRates = inputs.map((input) => Number(GPU_TYPES.find((gpu) => gpu.type === input.gpu.type)!.hourlyRateUsd));
  // The floor any estimate pays: tokens ÷ throughput × rate as plain floats, no steps, rounding or money.
  const bare = (index: number): number => {
    const input = inputs[index]!;
    const seconds = (input.datasetTokens * input.hyperparameters.epochs) / 2000 + 300;
    return (seconds / 3600) * hourlyRates[index]! * input.gpu.count;
  };
  const ours = (index: number): number => estimateTrainingCost(inputs[index]!).durationSeconds;

  measure(bare, WARM_UP_CALLS);
  measure(ours, WARM_UP_CALLS);
  const baseline = measure(bare, CALLS);
  const estimate = measure(ours, CALLS);

  const note = `${CALLS} calls, inputs varied; includes ~${round(timerOverhead())} µs of timer per call; baseline: tokens ÷ a fixed throughput × the hourly rate as plain floats (no steps, rounding or money), on the same inputs`;
  return [
    row('estimateTrainingCost latency p50', estimate.p50, baseline.p50, undefined, note),
    row('estimateTrainingCost latency p99', estimate.p99, baseline.p99, P99_TARGET_MICROSECONDS, note),
  ];
}

function row(figure: string, ours: number, baseline: number, target: number | undefined, note: string): BenchRow {
  return {
    figure,
    ours,
    baseline,
    unit: 'µs',
    ratio: ours / baseline,
    ...(target === undefined ? {} : { target: `< ${target} µs`, pass: ours < target }),
    note,
  };
}

/** Varied inputs over datasets, presets, GPU types and counts, so no branch or value stays constant. */
function makeInputs(): EstimateInput[] {
  const model = defaultBaseModel();
  const presets = (['fast', 'balanced', 'quality'] as const).map((id) => presetHyperparameters(findPreset(id)!, model));
  return Array.from({ length: 1024 }, (_, i) => ({
    datasetTokens: 10_000 + ((i * 7919) % 1024) * 50_000,
    datasetExamples: 10 + ((i * 104_729) % 1024) * 40,
    hyperparameters: presets[i % presets.length]!,
    baseModel: model,
    gpu: { type: GPU_TYPES[i % GPU_TYPES.length]!.type, count: 2 ** (i % 4) },
    calibration: i % 5 === 0 ? { tokensPerSecondPerGpu: 2500 + i, runs: 3 } : null,
  }));
}

/** Each call timed on its own; returns p50 and p99 in microseconds. */
function measure(call: (index: number) => number, calls: number): { p50: number; p99: number } {
  const samples = new Float64Array(calls);
  let sink = 0;
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    sink += call(i & 1023);
    samples[i] = (performance.now() - start) * 1000;
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the calls from being optimised away');
  samples.sort();
  return { p50: samples[Math.floor(calls * 0.5)]!, p99: samples[Math.floor(calls * 0.99)]! };
}

/** The median cost of the two clock reads around a call that does nothing. */
function timerOverhead(): number {
  return measure(() => 0, 10_000).p50;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatBenchRows(await runEstimateBench()));
}
