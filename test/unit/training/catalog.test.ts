// Presets carry SPEC's values, the GPU catalog SPEC's prices, and the memory rule refuses what cannot fit.
import { describe, expect, it } from 'vitest';
import { defaultBaseModel, findBaseModel } from '../../../server/catalog/base-models.js';
import { catalogTokensPerSecondPerGpu, checkMemory, findPreset, GPU_TYPES, PRESETS, presetHyperparameters, throughputMultiplier } from '../../../server/catalog/training.js';

describe('presets', () => {
  it.each([
    ['fast', { epochs: 1, learningRate: 1e-4, batchSize: 4, loraRank: 8, loraAlpha: 16, loraDropout: 0.05 }],
    ['balanced', { epochs: 3, learningRate: 2e-4, batchSize: 8, loraRank: 16, loraAlpha: 32, loraDropout: 0.1 }],
    ['quality', { epochs: 5, learningRate: 1e-4, batchSize: 8, loraRank: 32, loraAlpha: 64, loraDropout: 0.1 }],
  ])('%s has the values of SPEC section 3', (id, values) => {
    const preset = findPreset(id)!;
    expect(preset.hyperparameters).toEqual({
      ...values,
      maxSeqLength: 2048,
      warmupRatio: 0.03,
      gradientAccumulation: 1,
      quantization: 'NF4',
    });
    expect(preset.name).not.toBe('');
    expect(preset.description).not.toBe('');
  });

  it('has exactly the three presets', () => {
    expect(PRESETS.map((preset) => preset.id)).toEqual(['fast', 'balanced', 'quality']);
    expect(findPreset('turbo')).toBeUndefined();
  });

  it('caps the sequence length at the model context', () => {
    const balanced = findPreset('balanced')!;
    expect(presetHyperparameters(balanced, defaultBaseModel()).maxSeqLength).toBe(2048);
    const shortContext = { ...defaultBaseModel(), contextLength: 1024 };
    expect(presetHyperparameters(balanced, shortContext).maxSeqLength).toBe(1024);
  });
});

describe('GPU catalog', () => {
  it('has SPEC rates as exact decimal strings and counts 1, 2, 4, 8', () => {
    const rates = Object.fromEntries(GPU_TYPES.map((gpu) => [gpu.type, gpu.hourlyRateUsd]));
    expect(rates).toEqual({ 'A100-80GB': '3.50', 'A100-40GB': '2.80', 'H100-80GB': '4.20', 'V100-32GB': '2.10' });
    for (const gpu of GPU_TYPES) expect(gpu.counts).toEqual([1, 2, 4, 8]);
  });

  it('orders throughput H100 > A100-80GB > A100-40GB > V100 and scales with model size', () => {
    const model = defaultBaseModel();
    const speed = GPU_TYPES.map((gpu) => catalogTokensPerSecondPerGpu(gpu.type, model));
    const [a100, a100small, h100, v100] = speed as [number, number, number, number];
    expect(h100).toBeGreaterThan(a100);
    expect(a100).toBeGreaterThan(a100small);
    expect(a100small).toBeGreaterThan(v100);
    const sevenB = { ...model, parameters: 7 };
    const fourteenB = { ...model, parameters: 14 };
    expect(catalogTokensPerSecondPerGpu('A100-80GB', sevenB)).toBe(3000);
    expect(catalogTokensPerSecondPerGpu('A100-80GB', fourteenB)).toBe(1500);
  });

  it('loses 8% per doubling of GPUs and slows quantized training', () => {
    expect(throughputMultiplier(1, 'NONE')).toBe(1);
    expect(throughputMultiplier(2, 'NONE')).toBeCloseTo(2 * 0.92, 12);
    expect(throughputMultiplier(8, 'NONE')).toBeCloseTo(8 * 0.92 ** 3, 12);
    expect(throughputMultiplier(1, 'NF4')).toBe(0.7);
    expect(throughputMultiplier(1, 'INT8')).toBe(0.6);
  });

  it('fits the default model everywhere with the presets, and refuses long sequences on small GPUs', () => {
    const model = defaultBaseModel();
    const balanced = presetHyperparameters(findPreset('balanced')!, model);
    for (const gpu of GPU_TYPES) expect(checkMemory(gpu.type, model, balanced).fits).toBe(true);

    const long = { ...balanced, maxSeqLength: 8192 };
    expect(checkMemory('V100-32GB', model, long)).toMatchObject({ fits: false, availableGb: 32 });
    expect(checkMemory('A100-40GB', model, long).fits).toBe(true);
    const longUnquantized = { ...long, quantization: 'NONE' as const };
    expect(checkMemory('A100-40GB', model, longUnquantized).fits).toBe(false);
    expect(checkMemory('A100-80GB', model, longUnquantized).fits).toBe(true);
    const whole = { ...balanced, maxSeqLength: model.contextLength };
    for (const gpu of GPU_TYPES) expect(checkMemory(gpu.type, model, whole).fits).toBe(false);
  });

  it('needs less memory at 4 bits than 8 or 16', () => {
    const model = findBaseModel('meta-llama/Meta-Llama-3-8B')!;
    const hp = presetHyperparameters(findPreset('fast')!, model);
    const required = (quantization: 'NF4' | 'INT8' | 'NONE') => checkMemory('A100-80GB', model, { ...hp, quantization }).requiredGb;
    expect(required('NF4')).toBeLessThan(required('INT8'));
    expect(required('INT8')).toBeLessThan(required('NONE'));
  });
});
