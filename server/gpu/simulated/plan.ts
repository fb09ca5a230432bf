// The figures of a simulated run: steps, throughput and stage durations, and the metrics of each step.
import type { GpuType, ProviderMetricPoint, Quantization, SubmitRequest } from '../provider.js';
import type { SafetensorsDtype } from '../safetensors.js';
import { createRng, type Rng } from './rng.js';

/** LoRA tokens per second of one A100-80GB on a 1B-parameter model; larger models scale down linearly. */
const TOKENS_PER_SECOND_PER_BILLION = 21_000;
const GPU_SPEED: Record<GpuType, number> = { 'H100-80GB': 2, 'A100-80GB': 1, 'A100-40GB': 0.9, 'V100-32GB': 0.35 };
/** Dequantising the base weights on every forward pass costs some speed. */
const QUANTIZATION_SPEED: Record<Quantization, number> = { NONE: 1, NF4: 0.8, INT8: 0.65 };
/** Each doubling of GPUs loses a little to communication. */
const SCALING_PER_DOUBLING = 0.92;
/** About ten evaluations per run. */
const EVALUATIONS_PER_RUN = 10;
const UPLOAD_BYTES_PER_SECOND = 100e6;

export interface RunPlan {
  totalEpochs: number;
  stepsPerEpoch: number;
  totalSteps: number;
  warmupSteps: number;
  /** Validation loss is computed every this many steps and at the last one. */
  evalEvery: number;
  tokensPerEpoch: number;
  /** Tokens per second over all the GPUs. */
  throughput: number;
  /** Simulated seconds for each phase; the job divides them by its speed factor. */
  seconds: { queue: number; provisioning: number; loadingModel: number; step: number; evaluation: number; saving: number };
  adapterDtype: SafetensorsDtype;
}

export function planRun(req: SubmitRequest): RunPlan {
  const hp = req.hyperparameters;
  const rng = createRng(`${req.jobId}:plan`);
  const tokensPerExample = Math.min(hp.maxSeqLength, Math.max(1, req.datasetTokens / Math.max(1, req.datasetExamples)));
  const examplesPerStep = hp.batchSize * hp.gradientAccumulation * req.gpu.count;
  const stepsPerEpoch = Math.max(1, Math.ceil(req.datasetExamples / examplesPerStep));
  const totalSteps = stepsPerEpoch * hp.epochs;
  const tokensPerEpoch = Math.round(tokensPerExample * req.datasetExamples);
  const throughput =
    (TOKENS_PER_SECOND_PER_BILLION / req.baseModel.parametersB) *
    GPU_SPEED[req.gpu.type] *
    QUANTIZATION_SPEED[hp.quantization] *
    req.gpu.count *
    SCALING_PER_DOUBLING ** Math.log2(req.gpu.count);
  return {
    totalEpochs: hp.epochs,
    stepsPerEpoch,
    totalSteps,
    warmupSteps: Math.ceil(hp.warmupRatio * totalSteps),
    evalEvery: Math.max(1, Math.ceil(totalSteps / EVALUATIONS_PER_RUN)),
    tokensPerEpoch,
    throughput,
    seconds: {
      queue: rng.uniform(3, 8),
      provisioning: rng.uniform(20, 30) + 5 * Math.log2(req.gpu.count),
      // Quantising the weights while loading them takes a while longer.
      loadingModel: (5 + 2 * req.baseModel.parametersB) * (hp.quantization === 'NONE' ? 1 : 1.3),
      step: tokensPerEpoch / stepsPerEpoch / throughput,
      // A tenth of the data held out, forward passes only (about three times faster than training).
      evaluation: Math.max(1, (0.1 * tokensPerEpoch) / (3 * throughput)),
      saving: 2 + 0.05 * req.baseModel.numLayers,
    },
    adapterDtype: adapterDtype(req),
  };
}

/** Simulated seconds to upload artifacts of this many bytes. */
export function uploadSeconds(bytes: number): number {
  return 2 + bytes / UPLOAD_BYTES_PER_SECOND;
}

/** QLoRA keeps adapters in float32; a V100 has no bfloat16. */
function adapterDtype(req: SubmitRequest): SafetensorsDtype {
  if (req.hyperparameters.quantization !== 'NONE') return 'F32';
  return req.gpu.type === 'V100-32GB' ? 'F16' : 'BF16';
}

/** Linear warm-up to the peak, then cosine decay to zero at the last step. */
export function learningRateAt(step: number, plan: RunPlan, peak: number): number {
  if (step <= plan.warmupSteps) return (peak * step) / plan.warmupSteps;
  const progress = (step - plan.warmupSteps) / Math.max(1, plan.totalSteps - plan.warmupSteps);
  return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
}

export type StepMetrics = Omit<ProviderMetricPoint, 'recordedAt'>;

/**
 * Produces the metrics of steps 1, 2, 3… in order. Loss follows the learning done so far (the sum of
 * the learning rate, so warm-up starts slowly and the cosine tail flattens): a fast exponential drop,
 * a small power-law tail, a step down at each new epoch as the model memorises, and noise.
 */
export class MetricModel {
  private readonly rng: Rng;
  private readonly startLoss: number;
  private readonly floorLoss: number;
  private readonly decay: number;
  private step = 0;
  /** Epochs' worth of learning at the peak rate. */
  private learned = 0;

  constructor(
    private readonly plan: RunPlan,
    private readonly hp: SubmitRequest['hyperparameters'],
    seed: string,
  ) {
    this.rng = createRng(`${seed}:metrics`);
    this.startLoss = this.rng.gaussian(2.5, 0.1);
    // Higher rank fits better; a learning rate far from 2e-4 fits worse.
    this.floorLoss = 0.8 + 0.024 * Math.log2(128 / hp.loraRank) + 0.15 * Math.abs(Math.log10(hp.learningRate / 2e-4));
    this.decay = 8 * Math.sqrt(hp.learningRate / 2e-4);
  }

  next(): StepMetrics {
    const { plan, rng } = this;
    const step = ++this.step;
    const learningRate = learningRateAt(step, plan, this.hp.learningRate);
    this.learned += learningRate / this.hp.learningRate / plan.stepsPerEpoch;
    const completedEpochs = Math.floor((step - 1) / plan.stepsPerEpoch);

    const span = this.startLoss - this.floorLoss;
    const smooth = this.floorLoss + span * (0.8 * Math.exp(-this.decay * this.learned) + 0.2 * (1 + 6 * this.learned) ** -0.6);
    const trainingLoss = Math.max(0.05, smooth - 0.06 * completedEpochs + rng.gaussian(0, 0.035 * smooth));
    const isEvaluation = step % plan.evalEvery === 0 || step === plan.totalSteps;
    // Validation sits a little above training and drifts up as later epochs overfit.
    const validationLoss = isEvaluation ? smooth + 0.04 + 0.03 * completedEpochs ** 1.5 + rng.gaussian(0, 0.008) : null;
    const spike = rng.chance(0.01) ? rng.uniform(2, 4) : 1;
    const gradNorm = (0.3 + 2 * Math.exp(-5 * this.learned) + Math.abs(rng.gaussian(0, 0.08))) * spike;

    return {
      step,
      epoch: round(step / plan.stepsPerEpoch, 4),
      trainingLoss: round(trainingLoss, 4),
      validationLoss: validationLoss === null ? null : round(validationLoss, 4),
      learningRate: Number(learningRate.toPrecision(6)),
      gradNorm: round(gradNorm, 4),
      throughput: round(plan.throughput * (1 + rng.gaussian(0, 0.03)), 1),
      tokensTrained: Math.round((step / plan.stepsPerEpoch) * plan.tokensPerEpoch),
      gpuUtilization: round(Math.min(0.98, Math.max(0.85, rng.gaussian(0.93, 0.015))), 3),
    };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
