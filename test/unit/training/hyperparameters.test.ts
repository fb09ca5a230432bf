// Hyperparameter resolution: overrides replace single fields, every SPEC bound holds on both sides, all problems at once.
import { describe, expect, it } from 'vitest';
import { defaultBaseModel } from '../../../server/catalog/base-models.js';
import type { Hyperparameters } from '../../../server/gpu/provider.js';
import { BOUNDS, resolveGpu, resolveHyperparameters, type HyperparameterOverrides, type Problem } from '../../../server/training/hyperparameters.js';

const model = defaultBaseModel(); // context 32768

/** SPEC section 3, written out again so a wrong BOUNDS table cannot pass its own test. */
const SPEC_BOUNDS: Record<Exclude<keyof Hyperparameters, 'quantization'>, [number, number]> = {
  learningRate: [1e-6, 1e-2],
  batchSize: [1, 64],
  epochs: [1, 20],
  loraRank: [4, 128],
  loraAlpha: [1, 512],
  loraDropout: [0, 0.5],
  maxSeqLength: [128, 32768],
  warmupRatio: [0, 0.5],
  gradientAccumulation: [1, 64],
};
const FIELDS = Object.keys(SPEC_BOUNDS) as (keyof typeof SPEC_BOUNDS)[];
const INTEGER_FIELDS = ['batchSize', 'epochs', 'loraRank', 'loraAlpha', 'maxSeqLength', 'gradientAccumulation'];
/** The order problems come in: the BOUNDS table's order. */
const FIELDS_IN_ORDER = Object.keys(BOUNDS).filter((field) => field !== 'quantization');

function problemsOf(presetId: string, overrides: HyperparameterOverrides | Record<string, unknown>): Problem[] {
  const result = resolveHyperparameters(presetId, overrides as HyperparameterOverrides, model);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

describe('resolveHyperparameters', () => {
  it('returns the preset when nothing is overridden', () => {
    expect(resolveHyperparameters('quality', {}, model)).toEqual({
      ok: true,
      value: {
        epochs: 5,
        learningRate: 1e-4,
        batchSize: 8,
        loraRank: 32,
        loraAlpha: 64,
        loraDropout: 0.1,
        maxSeqLength: 2048,
        warmupRatio: 0.03,
        gradientAccumulation: 1,
        quantization: 'NF4',
      },
    });
    expect(resolveHyperparameters('quality', null, model)).toEqual(resolveHyperparameters('quality', {}, model));
  });

  it('replaces only the fields given; null keeps the preset value', () => {
    const result = resolveHyperparameters('balanced', { epochs: 7, quantization: 'NONE', loraRank: null }, model);
    expect(result).toEqual({
      ok: true,
      value: {
        epochs: 7,
        learningRate: 2e-4,
        batchSize: 8,
        loraRank: 16,
        loraAlpha: 32,
        loraDropout: 0.1,
        maxSeqLength: 2048,
        warmupRatio: 0.03,
        gradientAccumulation: 1,
        quantization: 'NONE',
      },
    });
  });

  it.each(FIELDS)('accepts %s at both ends of its bounds', (field) => {
    const [min, max] = SPEC_BOUNDS[field];
    expect(resolveHyperparameters('fast', { [field]: min }, model).ok).toBe(true);
    expect(resolveHyperparameters('fast', { [field]: max }, model).ok).toBe(true);
  });

  it('reports every value below its minimum at once, each with its path and bound', () => {
    const below = Object.fromEntries(FIELDS.map((field) => [field, SPEC_BOUNDS[field][0] - stepPast(field)]));
    const problems = problemsOf('balanced', below);
    expect(problems.map((problem) => problem.path)).toEqual(FIELDS_IN_ORDER.map((field) => ['hyperparameters', field]));
    for (const problem of problems) {
      const field = problem.path[1] as keyof typeof SPEC_BOUNDS;
      expect(problem.message).toContain(BOUNDS[field].label);
      expect(problem.message).toContain(`between ${SPEC_BOUNDS[field][0]} and ${SPEC_BOUNDS[field][1]}`);
    }
  });

  it('reports every value above its maximum at once', () => {
    const above = Object.fromEntries(FIELDS.map((field) => [field, SPEC_BOUNDS[field][1] + stepPast(field)]));
    const problems = problemsOf('balanced', above);
    expect(problems.map((problem) => problem.path[1])).toEqual(FIELDS_IN_ORDER);
    const seq = problems.find((problem) => problem.path[1] === 'maxSeqLength')!;
    expect(seq.message).toBe("Max sequence length must be a whole number between 128 and 32768 (Mistral 7B v0.1's context length); got 32769.");
    const rate = problems.find((problem) => problem.path[1] === 'learningRate')!;
    expect(rate.message).toBe('Learning rate must be between 0.000001 and 0.01; got 0.0101.');
  });

  it('bounds the sequence length by the chosen model', () => {
    const falcon = { ...model, name: 'Falcon 7B', contextLength: 2048 };
    expect(resolveHyperparameters('fast', { maxSeqLength: 2048 }, falcon).ok).toBe(true);
    const result = resolveHyperparameters('fast', { maxSeqLength: 4096 }, falcon);
    expect(result.ok ? [] : result.problems[0]!.message).toContain('between 128 and 2048');
  });

  it('requires whole numbers where SPEC counts things', () => {
    const fractions = Object.fromEntries(INTEGER_FIELDS.map((field) => [field, 8.5]));
    const problems = problemsOf('fast', fractions);
    expect(problems.map((problem) => problem.path[1]).sort()).toEqual([...INTEGER_FIELDS].sort());
    for (const problem of problems) expect(problem.message).toContain('a whole number');
  });

  it('refuses values of the wrong type, NaN and unknown quantizations', () => {
    const problems = problemsOf('fast', { learningRate: Number.NaN, epochs: '3', quantization: 'FP8' });
    expect(problems).toEqual([
      { path: ['hyperparameters', 'epochs'], message: 'Epochs must be a whole number between 1 and 20; got "3".' },
      {
        path: ['hyperparameters', 'learningRate'],
        message: 'Learning rate must be between 0.000001 and 0.01; got NaN.',
      },
      {
        path: ['hyperparameters', 'quantization'],
        message: 'Quantization must be NF4 (4-bit QLoRA), INT8 (8-bit) or NONE (none, 16-bit); got "FP8".',
      },
    ]);
  });

  it('reports an unknown preset on presetId, with unknown fields and bad overrides alongside', () => {
    const problems = problemsOf('turbo', { batchSize: 0, warmup: 0.1 });
    expect(problems.map((problem) => problem.path)).toEqual([['presetId'], ['hyperparameters', 'warmup'], ['hyperparameters', 'batchSize']]);
    expect(problems[0]!.message).toBe('There is no preset "turbo"; choose one of fast, balanced, quality.');
  });
});

describe('resolveGpu', () => {
  const hp = (overrides: HyperparameterOverrides = {}) => {
    const result = resolveHyperparameters('balanced', overrides, model);
    if (!result.ok) throw new Error('bad fixture');
    return result.value;
  };

  it('accepts a catalog GPU with an allowed count', () => {
    expect(resolveGpu({ type: 'H100-80GB', count: 4 }, model, hp())).toEqual({
      ok: true,
      value: { type: 'H100-80GB', count: 4 },
    });
  });

  it('reports an unknown type and a count outside 1, 2, 4, 8 together', () => {
    const result = resolveGpu({ type: 'RTX-4090', count: 3 }, model, hp());
    expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toEqual([
      ['gpu', 'type'],
      ['gpu', 'count'],
    ]);
  });

  it('refuses a GPU too small for the model and sequence length, naming the memory needed', () => {
    const result = resolveGpu({ type: 'V100-32GB', count: 1 }, model, hp({ maxSeqLength: 16384 }));
    expect(result.ok).toBe(false);
    const [problem] = result.ok ? [] : result.problems;
    expect(problem!.path).toEqual(['gpu', 'type']);
    expect(problem!.message).toMatch(/needs at least [\d.]+ GB per GPU; a V100-32GB has 32 GB/);
  });
});

/** A step just past a bound: one for whole numbers, a hundredth of the bound's scale otherwise. */
function stepPast(field: keyof typeof SPEC_BOUNDS): number {
  if (INTEGER_FIELDS.includes(field)) return 1;
  return field === 'learningRate' ? 1e-4 : 0.01;
}
