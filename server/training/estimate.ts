// The cost estimate of a training job (tokens, steps, duration, exact cost and its range) and its calibration.
import type { BaseModel } from '../catalog/base-models.js';
import type { GpuType, Hyperparameters, Quantization } from '../gpu/provider.js';
import { catalogTokensPerSecondPerGpu, checkMemory, EFFICIENCY_PER_DOUBLING, QUANTIZATION_SPEED, throughputMultiplier, type MemoryCheck } from '../catalog/training.js';
import { divideRounded, gpuTimeMicros, microsToUsd, rateMicrosPerHour } from '../costs/money.js';

/** Finding, starting and booting a GPU node with the trainer image, whatever the model. */
export const STARTUP_BASE_SECONDS = 180;
/** Downloading (~2 GB in 16 bits), quantising and loading the weights: about 20 s per billion parameters. */
export const STARTUP_SECONDS_PER_BILLION = 20;
/** Half-width of the range around the estimate, in percent. */
export const RANGE_PERCENT = { CATALOG: 15, CALIBRATED: 7 } as const;
/** Calibration uses at most this many of the latest runs, each weighted this much less than the next newer one. */
export const CALIBRATION_MAX_RUNS = 10;
export const CALIBRATION_RECENCY_WEIGHT = 0.8;

export const COST_FORMULA =
  'Tokens to train = dataset tokens × epochs. Throughput = tokens per second of one GPU for the base model ' +
  '(the catalog figure for a 7B model × 7 ÷ the model size in billions, or the figure measured from your own ' +
  'completed runs on that GPU type and model) × GPU count × ' +
  `${EFFICIENCY_PER_DOUBLING} for each doubling of GPUs × the quantization factor (4-bit ` +
  `${QUANTIZATION_SPEED.NF4}, 8-bit ${QUANTIZATION_SPEED.INT8}, none ${QUANTIZATION_SPEED.NONE}). ` +
  'Compute time = tokens to train ÷ throughput, rounded up to the second. ' +
  `Start-up time = ${STARTUP_BASE_SECONDS} s + ${STARTUP_SECONDS_PER_BILLION} s per billion parameters. ` +
  'Cost = (start-up time + compute time) in hours × hourly rate per GPU × GPU count, each part rounded to the ' +
  `micro-dollar. The range is ±${RANGE_PERCENT.CATALOG}% on catalog throughput and ` +
  `±${RANGE_PERCENT.CALIBRATED}% once calibrated.`;

export interface Calibration {
  /** Tokens per second of one GPU at 16 bits for this model, GPU count and quantization factored out. */
  tokensPerSecondPerGpu: number;
  runs: number;
}

export interface EstimateInput {
  datasetTokens: number;
  datasetExamples: number;
  hyperparameters: Hyperparameters;
  baseModel: BaseModel;
  gpu: { type: GpuType; count: number };
  /** From calibratedThroughput over the caller's completed runs on this GPU type and model. */
  calibration?: Calibration | null;
  /** USD per GPU-hour replacing the GPU catalog's rate (the provider's own price, e.g. local training). */
  hourlyRateUsd?: string | null;
}

export type ThroughputSource = 'CATALOG' | 'CALIBRATED';

export interface CostLine {
  item: 'STARTUP' | 'COMPUTE';
  seconds: number;
  costUsd: string;
}

export interface EstimateBound {
  durationSeconds: number;
  costUsd: string;
}

export interface TrainingEstimate {
  tokensToTrain: number;
  steps: number;
  /** Over all the GPUs. */
  throughputTokensPerSecond: number;
  throughputSource: ThroughputSource;
  /** How many completed runs the calibrated throughput comes from; 0 for the catalog. */
  calibrationRuns: number;
  startupOverheadSeconds: number;
  computeSeconds: number;
  durationSeconds: number;
  /** Rate per GPU-hour × GPU count. */
  hourlyRateUsd: string;
  /** The sum of the breakdown, exactly. */
  costUsd: string;
  breakdown: CostLine[];
  low: EstimateBound;
  high: EstimateBound;
  /** Whether one GPU holds the model; job creation refuses a GPU that does not. */
  memory: MemoryCheck;
}

export function estimateTrainingCost(input: EstimateInput): TrainingEstimate {
  const { hyperparameters: hp, baseModel, gpu, calibration } = input;
  const calibrated = calibration != null && Number.isFinite(calibration.tokensPerSecondPerGpu) && calibration.tokensPerSecondPerGpu > 0;
  const perGpu = calibrated ? calibration.tokensPerSecondPerGpu : catalogTokensPerSecondPerGpu(gpu.type, baseModel);
  const throughput = perGpu * throughputMultiplier(gpu.count, hp.quantization);

  const tokensToTrain = input.datasetTokens * hp.epochs;
  const examplesPerStep = hp.batchSize * hp.gradientAccumulation * gpu.count;
  const steps = Math.max(1, Math.ceil(input.datasetExamples / examplesPerStep)) * hp.epochs;
  const startupOverheadSeconds = startupSeconds(baseModel);
  const computeSeconds = Math.ceil(tokensToTrain / throughput);
  const durationSeconds = startupOverheadSeconds + computeSeconds;

  const hourlyMicros = rateMicrosPerHour(gpu.type, input.hourlyRateUsd) * BigInt(gpu.count);
  const startupMicros = gpuTimeMicros(startupOverheadSeconds, hourlyMicros);
  const computeMicros = gpuTimeMicros(computeSeconds, hourlyMicros);
  const totalMicros = startupMicros + computeMicros;
  const source: ThroughputSource = calibrated ? 'CALIBRATED' : 'CATALOG';
  const spread = RANGE_PERCENT[source];
  const bound = (percent: number): EstimateBound => ({
    durationSeconds: Math.round((durationSeconds * percent) / 100),
    costUsd: microsToUsd(divideRounded(totalMicros * BigInt(percent), 100n)),
  });

  return {
    tokensToTrain,
    steps,
    throughputTokensPerSecond: throughput,
    throughputSource: source,
    calibrationRuns: calibrated ? calibration.runs : 0,
    startupOverheadSeconds,
    computeSeconds,
    durationSeconds,
    hourlyRateUsd: microsToUsd(hourlyMicros),
    costUsd: microsToUsd(totalMicros),
    breakdown: [
      { item: 'STARTUP', seconds: startupOverheadSeconds, costUsd: microsToUsd(startupMicros) },
      { item: 'COMPUTE', seconds: computeSeconds, costUsd: microsToUsd(computeMicros) },
    ],
    low: bound(100 - spread),
    high: bound(100 + spread),
    memory: checkMemory(gpu.type, baseModel, hp),
  };
}

/** Provisioning and model loading before the first training step, in whole seconds. */
export function startupSeconds(baseModel: BaseModel): number {
  return Math.round(STARTUP_BASE_SECONDS + STARTUP_SECONDS_PER_BILLION * baseModel.parameters);
}

export interface CompletedRun {
  tokensTrained: number;
  /** Training time only: start-up excluded. */
  computeSeconds: number;
  gpuCount: number;
  quantization: Quantization;
}

/**
 * One GPU's 16-bit throughput measured from completed runs on the same GPU type and model, newest first, or null
 * without any. Each run is brought back to one GPU at 16 bits (the inverse of the estimate's multiplier); runs
 * less than half or more than twice the median are dropped as outliers (a stalled node, a wrong clock), and the
 * rest averaged with more weight on recent runs, which reflect the current trainer and provider.
 */
export function calibratedThroughput(runs: readonly CompletedRun[]): Calibration | null {
  const perGpu = runs
    .filter((run) => run.tokensTrained > 0 && run.computeSeconds > 0 && run.gpuCount >= 1)
    .slice(0, CALIBRATION_MAX_RUNS)
    .map((run) => run.tokensTrained / run.computeSeconds / throughputMultiplier(run.gpuCount, run.quantization));
  if (perGpu.length === 0) return null;

  const median = medianOf(perGpu);
  let weighted = 0;
  let totalWeight = 0;
  let used = 0;
  perGpu.forEach((value, age) => {
    if (value < median / 2 || value > median * 2) return;
    const weight = CALIBRATION_RECENCY_WEIGHT ** age;
    weighted += weight * value;
    totalWeight += weight;
    used += 1;
  });
  return { tokensPerSecondPerGpu: weighted / totalWeight, runs: used };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
