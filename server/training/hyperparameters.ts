// Checks a training configuration: a preset overridden field by field within SPEC's bounds, and the GPU choice.
import { z } from 'zod';
import type { BaseModel } from '../catalog/base-models.js';
import type { Prisma } from '../db/generated/prisma/client.js';
import { readJson } from '../db/json.js';
import type { GpuType, Hyperparameters, Quantization } from '../gpu/provider.js';
import { checkMemory, findGpuType, findPreset, GPU_COUNTS, GPU_TYPES, PRESETS, presetHyperparameters } from '../catalog/training.js';

const storedHyperparameters: z.ZodType<Hyperparameters> = z.object({
  epochs: z.number(),
  learningRate: z.number(),
  batchSize: z.number(),
  loraRank: z.number(),
  loraAlpha: z.number(),
  loraDropout: z.number(),
  maxSeqLength: z.number(),
  warmupRatio: z.number(),
  gradientAccumulation: z.number(),
  quantization: z.enum(['NF4', 'INT8', 'NONE']),
});

/** A job's stored hyperparameters (TrainingJob.hyperparameters, ModelArtifact.hyperparameters). */
export function readHyperparameters(json: Prisma.JsonValue): Hyperparameters {
  return readJson(storedHyperparameters, json, 'hyperparameters');
}

export interface Problem {
  path: string[];
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** What the user changed; null or absent keeps the preset's value. */
export type HyperparameterOverrides = { [K in keyof Hyperparameters]?: Hyperparameters[K] | null };

type NumberField = Exclude<keyof Hyperparameters, 'quantization'>;

export interface NumberBound {
  label: string;
  min: number;
  /** null: the base model's context length. */
  max: number | null;
  integer: boolean;
}

export interface QuantizationOption {
  value: Quantization;
  label: string;
}

export const BOUNDS: { [K in NumberField]: NumberBound } & {
  quantization: { label: string; options: readonly QuantizationOption[] };
} = {
  epochs: { label: 'Epochs', min: 1, max: 20, integer: true },
  learningRate: { label: 'Learning rate', min: 1e-6, max: 1e-2, integer: false },
  batchSize: { label: 'Batch size', min: 1, max: 64, integer: true },
  loraRank: { label: 'LoRA rank', min: 4, max: 128, integer: true },
  loraAlpha: { label: 'LoRA alpha', min: 1, max: 512, integer: true },
  loraDropout: { label: 'LoRA dropout', min: 0, max: 0.5, integer: false },
  maxSeqLength: { label: 'Max sequence length', min: 128, max: null, integer: true },
  warmupRatio: { label: 'Warm-up ratio', min: 0, max: 0.5, integer: false },
  gradientAccumulation: { label: 'Gradient accumulation', min: 1, max: 64, integer: true },
  quantization: {
    label: 'Quantization',
    options: [
      { value: 'NF4', label: '4-bit QLoRA' },
      { value: 'INT8', label: '8-bit' },
      { value: 'NONE', label: 'none, 16-bit' },
    ],
  },
};

const FIELDS = Object.keys(BOUNDS) as (keyof Hyperparameters)[];

/**
 * The preset's hyperparameters for this model with the overrides applied, or every problem found: an unknown
 * preset, unknown fields, values of the wrong type, out of bounds or not whole numbers where they must be.
 */
export function resolveHyperparameters(presetId: string, overrides: HyperparameterOverrides | null | undefined, baseModel: BaseModel): Checked<Hyperparameters> {
  const problems: Problem[] = [];
  const preset = findPreset(presetId);
  if (!preset) {
    const known = PRESETS.map((entry) => entry.id).join(', ');
    problems.push({ path: ['presetId'], message: `There is no preset "${presetId}"; choose one of ${known}.` });
  }
  const given: Record<string, unknown> = overrides ?? {};
  for (const key of Object.keys(given)) {
    if (!(FIELDS as string[]).includes(key)) {
      problems.push({
        path: ['hyperparameters', key],
        message: `"${key}" is not a hyperparameter; the fields are ${FIELDS.join(', ')}.`,
      });
    }
  }

  const base = preset ? presetHyperparameters(preset, baseModel) : undefined;
  const resolved: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = given[field] ?? base?.[field];
    // Without a preset there is nothing to fall back on; the preset problem covers the missing fields.
    if (value === undefined) continue;
    const message = field === 'quantization' ? quantizationProblem(value) : numberProblem(field, value, baseModel);
    if (message) problems.push({ path: ['hyperparameters', field], message });
    resolved[field] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: resolved as unknown as Hyperparameters };
}

function numberProblem(field: NumberField, value: unknown, baseModel: BaseModel): string | null {
  const { label, min, integer } = BOUNDS[field];
  const max = BOUNDS[field].max ?? baseModel.contextLength;
  const range = `${integer ? 'a whole number ' : ''}between ${min} and ${max}`;
  const context = BOUNDS[field].max === null ? ` (${baseModel.name}'s context length)` : '';
  const valid = typeof value === 'number' && value >= min && value <= max && (!integer || Number.isInteger(value));
  return valid ? null : `${label} must be ${range}${context}; got ${show(value)}.`;
}

function quantizationProblem(value: unknown): string | null {
  const { label, options } = BOUNDS.quantization;
  if (options.some((option) => option.value === value)) return null;
  const choices = options.map((option) => `${option.value} (${option.label})`);
  return `${label} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}; got ${show(value)}.`;
}

export interface GpuChoice {
  type: GpuType;
  count: number;
}

/**
 * The GPU type and count if the catalog has them and one such GPU holds the model with these settings. Without a
 * model or settings (they had problems of their own), the type and count are still checked, so every problem shows.
 */
export function resolveGpu(gpu: { type: string; count: number }, baseModel: BaseModel | null, hyperparameters: Hyperparameters | null): Checked<GpuChoice> {
  const problems: Problem[] = [];
  const spec = findGpuType(gpu.type);
  if (!spec) {
    const known = GPU_TYPES.map((type) => type.type).join(', ');
    problems.push({ path: ['gpu', 'type'], message: `There is no GPU type "${gpu.type}"; choose one of ${known}.` });
  } else if (baseModel && hyperparameters) {
    const memory = checkMemory(spec.type, baseModel, hyperparameters);
    if (!memory.fits) {
      problems.push({
        path: ['gpu', 'type'],
        message:
          `${baseModel.name} with sequences of ${hyperparameters.maxSeqLength} tokens needs at least ` +
          `${memory.requiredGb} GB per GPU; a ${spec.type} has ${memory.availableGb} GB. Choose a GPU with more ` +
          'memory, 4-bit quantization or a shorter max sequence length.',
      });
    }
  }
  const counts: readonly number[] = spec?.counts ?? GPU_COUNTS;
  if (!counts.includes(gpu.count)) {
    problems.push({ path: ['gpu', 'count'], message: `GPU count must be one of ${counts.join(', ')}; got ${show(gpu.count)}.` });
  }
  if (!spec || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { type: spec.type, count: gpu.count } };
}

/** A value as a person typed it: numbers plainly (1e-7, NaN), anything else as JSON. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
