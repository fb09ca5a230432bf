// The training presets and the GPU catalog, with the rules for GPU throughput and memory that the estimate uses.
import type { BaseModel } from './base-models.js';
import type { GpuType, Hyperparameters, Quantization } from '../gpu/provider.js';

export type PresetId = 'fast' | 'balanced' | 'quality';

export interface Preset {
  id: PresetId;
  name: string;
  description: string;
  /** maxSeqLength is the preferred length; a job uses at most its base model's context (see presetHyperparameters). */
  hyperparameters: Hyperparameters;
}

/** Shared by every preset: SPEC fixes only epochs, learning rate, batch and the LoRA shape. */
const PRESET_DEFAULTS = {
  maxSeqLength: 2048,
  warmupRatio: 0.03,
  gradientAccumulation: 1,
  quantization: 'NF4',
} as const satisfies Partial<Hyperparameters>;

export const PRESETS: readonly Preset[] = [
  {
    id: 'fast',
    name: 'Fast',
    description: 'One pass over the data with a small adapter: the cheapest way to check that a dataset teaches what you expect.',
    hyperparameters: {
      ...PRESET_DEFAULTS,
      epochs: 1,
      learningRate: 1e-4,
      batchSize: 4,
      loraRank: 8,
      loraAlpha: 16,
      loraDropout: 0.05,
    },
  },
  {
    id: 'balanced',
    name: 'Balanced',
    description: 'Three epochs at rank 16: a sound default for most instruction and chat datasets.',
    hyperparameters: {
      ...PRESET_DEFAULTS,
      epochs: 3,
      learningRate: 2e-4,
      batchSize: 8,
      loraRank: 16,
      loraAlpha: 32,
      loraDropout: 0.1,
    },
  },
  {
    id: 'quality',
    name: 'Quality',
    description: 'Five epochs at rank 32 with a gentler learning rate: for larger datasets where the last bit of quality matters.',
    hyperparameters: {
      ...PRESET_DEFAULTS,
      epochs: 5,
      learningRate: 1e-4,
      batchSize: 8,
      loraRank: 32,
      loraAlpha: 64,
      loraDropout: 0.1,
    },
  },
];

export const DEFAULT_PRESET_ID: PresetId = 'balanced';

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}

/** The preset's hyperparameters for this model: the sequence length is capped at the model's context. */
export function presetHyperparameters(preset: Preset, baseModel: BaseModel): Hyperparameters {
  const { maxSeqLength } = preset.hyperparameters;
  return { ...preset.hyperparameters, maxSeqLength: Math.min(maxSeqLength, baseModel.contextLength) };
}

export const GPU_COUNTS = [1, 2, 4, 8] as const;

export interface GpuSpec {
  type: GpuType;
  name: string;
  memoryGb: number;
  /** USD per GPU-hour, an exact decimal string. */
  hourlyRateUsd: string;
  counts: readonly number[];
  /** Dataset tokens per second trained by one GPU: 16-bit LoRA on a 7B model (see the note below). */
  tokensPerSecond7B: number;
}

/*
 * Throughput figures: dataset tokens per second for one GPU doing 16-bit LoRA on all linear layers of a 7B model,
 * with gradient checkpointing, FlashAttention where the GPU supports it, batch 8 padded to its longest example.
 *
 * - A100-80GB 3,000. From the FLOP count: a LoRA step with checkpointing costs about 6 × parameters FLOPs per
 *   token (forward, recomputed forward, backward through activations only, no weight gradients), 4.2e10 for 7B;
 *   312 TFLOPS bf16 at 40% utilisation gives ~3,000. Cross-checked with ms-swift's A100 benchmark
 *   (docs/source_en/LLM/Benchmark.md): qwen-7b LoRA on all linear layers, 2048 tokens, batch 1 runs ~5,000-5,800
 *   tokens/s, and batch 8 loses ~35% of that to padding, ~3,500.
 * - A100-40GB 2,700. Same tensor cores; 1.56 against 2.04 TB/s of memory bandwidth slows the memory-bound parts
 *   (norms, dequantisation, optimizer), so ~0.9×.
 * - H100-80GB 6,000. 3.2× the bf16 FLOPs and 1.64× the bandwidth of an A100; MosaicML measured 7B training about
 *   2× an A100 in bf16 (3× only with FP8, which LoRA trainers do not use). 2× sits between the two limits.
 * - V100-32GB 1,050. 125 TFLOPS fp16 (0.4× an A100), no bfloat16 (fp16 with loss scaling) and no FlashAttention 2,
 *   which needs Ampere or later: ~0.35×.
 *
 * Other sizes scale as 7 ÷ parameters in billions (FLOPs per token grow linearly with parameters). These are
 * starting points: the estimate replaces them with the user's measured throughput once a run has completed.
 */
const GPU_SPECS: Record<GpuType, Omit<GpuSpec, 'type' | 'counts'>> = {
  'A100-80GB': { name: 'NVIDIA A100 80GB', memoryGb: 80, hourlyRateUsd: '3.50', tokensPerSecond7B: 3000 },
  'A100-40GB': { name: 'NVIDIA A100 40GB', memoryGb: 40, hourlyRateUsd: '2.80', tokensPerSecond7B: 2700 },
  'H100-80GB': { name: 'NVIDIA H100 80GB', memoryGb: 80, hourlyRateUsd: '4.20', tokensPerSecond7B: 6000 },
  'V100-32GB': { name: 'NVIDIA V100 32GB', memoryGb: 32, hourlyRateUsd: '2.10', tokensPerSecond7B: 1050 },
};

export const GPU_TYPES: readonly GpuSpec[] = Object.entries(GPU_SPECS).map(([type, spec]) => ({
  type: type as GpuType,
  counts: GPU_COUNTS,
  ...spec,
}));

export function findGpuType(type: string): GpuSpec | undefined {
  return GPU_TYPES.find((spec) => spec.type === type);
}

/**
 * Speed of training on quantised base weights relative to 16-bit: bitsandbytes dequantises every weight on every
 * forward and backward pass. ms-swift measured NF4 at 0.56× on an A100 with bitsandbytes 0.41; later releases
 * fused the dequantisation kernels, so 0.7. LLM.int8() also splits outlier columns into a separate 16-bit matmul
 * and is the slowest of the three in practice.
 */
export const QUANTIZATION_SPEED: Record<Quantization, number> = { NONE: 1, NF4: 0.7, INT8: 0.6 };

/**
 * Data-parallel efficiency kept at each doubling of GPUs. LoRA all-reduces only the adapter gradients (tens of
 * MB), so one node's GPUs scale well; what is lost is mostly waiting for the slowest GPU's batch.
 */
export const EFFICIENCY_PER_DOUBLING = 0.92;

/** Catalog tokens per second of one GPU of this type training this model with 16-bit LoRA. */
export function catalogTokensPerSecondPerGpu(type: GpuType, baseModel: BaseModel): number {
  return (GPU_SPECS[type].tokensPerSecond7B * 7) / baseModel.parameters;
}

/**
 * How many times one GPU's 16-bit throughput a job gets from `count` GPUs and this quantization. The estimate
 * multiplies by it; calibration divides measured runs by it to get back to one GPU at 16 bits.
 */
export function throughputMultiplier(count: number, quantization: Quantization): number {
  return count * EFFICIENCY_PER_DOUBLING ** Math.log2(count) * QUANTIZATION_SPEED[quantization];
}

/** Bytes per parameter of the frozen base weights; NF4 adds its block scales (double-quantised, ~0.13 bit). */
const WEIGHT_BYTES_PER_PARAMETER: Record<Quantization, number> = { NONE: 2, INT8: 1, NF4: 0.52 };
/**
 * Activation memory per token, per hidden width and layer, in bytes. Fitted to ms-swift's A100 measurements of
 * qwen-7b LoRA with gradient checkpointing and FlashAttention (hidden 4096, 32 layers): each extra 2048-token
 * sequence in a batch added 6.9 GiB, 3.6 MB a token, 28 bytes × 4096 × 32.
 */
const ACTIVATION_BYTES = 28;
/** CUDA context, adapter weights with their gradients and Adam state, allocator fragmentation. */
const FIXED_OVERHEAD_GB = 3;

/**
 * The least memory one GPU needs in GB: data parallelism puts the whole model on every GPU, and a batch holds at
 * least one sequence of the longest length allowed. Larger batches of long examples need more (about
 * ACTIVATION_BYTES × hidden × layers a token); a run that still does not fit fails with CUDA_OOM.
 */
export function minimumMemoryGb(baseModel: BaseModel, hyperparameters: Hyperparameters): number {
  const weights = baseModel.parameters * WEIGHT_BYTES_PER_PARAMETER[hyperparameters.quantization];
  const perToken = ACTIVATION_BYTES * baseModel.hiddenSize * baseModel.numLayers;
  return weights + (hyperparameters.maxSeqLength * perToken) / 1e9 + FIXED_OVERHEAD_GB;
}

export interface MemoryCheck {
  requiredGb: number;
  availableGb: number;
  fits: boolean;
}

/** Whether one GPU of this type can hold this model with these settings (see minimumMemoryGb). */
export function checkMemory(type: GpuType, baseModel: BaseModel, hyperparameters: Hyperparameters): MemoryCheck {
  const requiredGb = Math.round(minimumMemoryGb(baseModel, hyperparameters) * 10) / 10;
  const availableGb = GPU_SPECS[type].memoryGb;
  return { requiredGb, availableGb, fits: requiredGb <= availableGb };
}
