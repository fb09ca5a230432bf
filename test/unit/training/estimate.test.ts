// The cost estimate against a hand computation, multi-GPU pricing, exact money, and calibration from completed runs.
import { describe, expect, it } from 'vitest';
import { defaultBaseModel } from '../../../server/catalog/base-models.js';
import type { GpuType, Hyperparameters } from '../../../server/gpu/provider.js';
import { findPreset, GPU_TYPES, presetHyperparameters } from '../../../server/catalog/training.js';
import { calibratedThroughput, COST_FORMULA, estimateTrainingCost, type Calibration, type EstimateInput } from '../../../server/training/estimate.js';
import { microsToUsd, usdToMicros } from '../../../server/costs/money.js';

const mistral = defaultBaseModel(); // Mistral 7B v0.1: 7.24 billion parameters
const balanced = presetHyperparameters(findPreset('balanced')!, mistral);

function estimate(changes: Partial<EstimateInput> = {}, hp: Partial<Hyperparameters> = {}) {
  return estimateTrainingCost({
    datasetTokens: 1_000_000,
    datasetExamples: 2000,
    hyperparameters: { ...balanced, ...hp },
    baseModel: mistral,
    gpu: { type: 'A100-80GB', count: 1 },
    ...changes,
  });
}

describe('estimateTrainingCost', () => {
  it('matches the hand computation: 1M tokens, 2,000 examples, balanced, 1× A100-80GB, Mistral 7B', () => {
    // tokens to train  = 1,000,000 tokens × 3 epochs                       = 3,000,000
    // steps            = ceil(2,000 examples ÷ (batch 8 × accumulation 1 × 1 GPU)) × 3 epochs = 250 × 3 = 750
    // throughput       = 3,000 tokens/s (A100-80GB, 7B, 16-bit) × 7 ÷ 7.24 × 0.7 (NF4) × 1 GPU = 2,030.387 tokens/s
    // compute          = ceil(3,000,000 ÷ 2,030.387 = 1,477.55)            = 1,478 s
    // start-up         = round(180 + 20 × 7.24 = 324.8)                     =   325 s
    // duration         = 1,478 + 325                                        = 1,803 s (30 min 3 s)
    // start-up cost    = 325 s × $3.50 ÷ 3,600   = $0.3159722… → $0.315972
    // compute cost     = 1,478 s × $3.50 ÷ 3,600 = $1.4369444… → $1.436944
    // cost             = $0.315972 + $1.436944  = $1.752916, $1.75 to the cent
    // range ±15%       = 1,533 s / $1.489979 … 2,073 s / $2.015853
    const result = estimate();
    expect(result).toEqual({
      tokensToTrain: 3_000_000,
      steps: 750,
      throughputTokensPerSecond: expect.closeTo(2030.387, 3),
      throughputSource: 'CATALOG',
      calibrationRuns: 0,
      startupOverheadSeconds: 325,
      computeSeconds: 1478,
      durationSeconds: 1803,
      hourlyRateUsd: '3.50',
      costUsd: '1.752916',
      breakdown: [
        { item: 'STARTUP', seconds: 325, costUsd: '0.315972' },
        { item: 'COMPUTE', seconds: 1478, costUsd: '1.436944' },
      ],
      low: { durationSeconds: 1533, costUsd: '1.489979' },
      high: { durationSeconds: 2073, costUsd: '2.015853' },
      memory: { requiredGb: 14.3, availableGb: 80, fits: true },
    });
    expect(Number(result.costUsd).toFixed(2)).toBe('1.75');
  });

  it('charges rate × count on several GPUs, and trains faster at 92% per doubling', () => {
    const one = estimate();
    const four = estimate({ gpu: { type: 'A100-80GB', count: 4 } });
    expect(four.hourlyRateUsd).toBe('14.00');
    // 2,030.387 × 4 × 0.92² = 6,873.967 tokens/s → ceil(436.43) = 437 s; start-up is the same 325 s.
    expect(four.throughputTokensPerSecond).toBeCloseTo(one.throughputTokensPerSecond * 4 * 0.92 ** 2, 9);
    expect(four.computeSeconds).toBe(437);
    expect(four.durationSeconds).toBe(762);
    // 762 s × $14.00 ÷ 3,600 = $2.963333…: split as 325 s → $1.263889 and 437 s → $1.699444.
    expect(four.breakdown.map((line) => line.costUsd)).toEqual(['1.263889', '1.699444']);
    expect(four.costUsd).toBe('2.963333');
    // Batches are split across GPUs: 2,000 ÷ (8 × 4) → 63 steps an epoch.
    expect(four.steps).toBe(63 * 3);
  });

  it('prices every GPU type at its catalog rate', () => {
    const rates: Record<GpuType, string> = {
      'A100-80GB': '3.50',
      'A100-40GB': '2.80',
      'H100-80GB': '4.20',
      'V100-32GB': '2.10',
    };
    for (const gpu of GPU_TYPES) {
      expect(estimate({ gpu: { type: gpu.type, count: 8 } }).hourlyRateUsd).toBe(microsToUsd(usdToMicros(rates[gpu.type]) * 8n));
    }
    expect(estimate({ gpu: { type: 'V100-32GB', count: 8 } }).hourlyRateUsd).toBe('16.80');
  });

  it("prices at the provider's own rate where it sets one (local training), free included", () => {
    const catalog = estimate({ gpu: { type: 'A100-80GB', count: 2 } });
    const local = estimate({ gpu: { type: 'A100-80GB', count: 2 }, hourlyRateUsd: '0.45' });
    expect(local.hourlyRateUsd).toBe('0.90');
    expect(local.durationSeconds).toBe(catalog.durationSeconds);
    expect(local.costUsd).toBe(microsToUsd((BigInt(local.durationSeconds) * 900_000n + 1800n) / 3600n));
    const free = estimate({ hourlyRateUsd: '0' });
    expect([free.costUsd, free.low.costUsd, free.high.costUsd]).toEqual(['0.00', '0.00', '0.00']);
  });

  it('counts at least one step an epoch and no compute for an empty dataset', () => {
    const empty = estimate({ datasetTokens: 0, datasetExamples: 0 });
    expect(empty.steps).toBe(3);
    expect(empty.computeSeconds).toBe(0);
    expect(empty.durationSeconds).toBe(325);
  });

  it('keeps money exact: parts add up to the total to the micro-dollar, 2 to 6 decimals', () => {
    expect(microsToUsd(usdToMicros('0.10') + usdToMicros('0.20'))).toBe('0.30');
    expect([0n, 5n, 120_000n, 1_000_000n, 12_345_678_901n].map(microsToUsd)).toEqual(['0.00', '0.000005', '0.12', '1.00', '12345.678901']);
    expect(() => usdToMicros('3.5000001')).toThrow();
    expect(0.1 + 0.2).not.toBe(0.3); // what floats would have done
    for (let i = 1; i <= 500; i++) {
      const gpu = GPU_TYPES[i % GPU_TYPES.length]!;
      const result = estimate({ datasetTokens: 7919 * i * i, datasetExamples: 13 * i, gpu: { type: gpu.type, count: 2 ** (i % 4) } }, { epochs: 1 + (i % 20) });
      const parts = result.breakdown.reduce((sum, line) => sum + usdToMicros(line.costUsd), 0n);
      expect(parts).toBe(usdToMicros(result.costUsd));
      for (const amount of [result.costUsd, result.low.costUsd, result.high.costUsd, result.hourlyRateUsd]) {
        expect(amount).toMatch(/^\d+\.\d{2,6}$/);
      }
    }
  });

  it('says whether one GPU holds the model', () => {
    expect(estimate({ gpu: { type: 'V100-32GB', count: 8 } }, { maxSeqLength: 16384 }).memory.fits).toBe(false);
  });

  it('documents its formula', () => {
    expect(COST_FORMULA).toContain('dataset tokens × epochs');
    expect(COST_FORMULA).toContain('0.92');
    expect(COST_FORMULA).toContain('180 s + 20 s per billion parameters');
  });
});

describe('calibration', () => {
  it('is null without usable runs', () => {
    expect(calibratedThroughput([])).toBeNull();
    expect(calibratedThroughput([{ tokensTrained: 0, computeSeconds: 100, gpuCount: 1, quantization: 'NF4' }])).toBeNull();
  });

  it('brings a run back to one GPU at 16 bits', () => {
    // 2 GPUs at NF4: the job saw 2 × 0.92 × 0.7 = 1.288 times one GPU's 16-bit speed.
    const run = { tokensTrained: 1_288_000, computeSeconds: 100, gpuCount: 2, quantization: 'NF4' as const };
    expect(calibratedThroughput([run])).toEqual({ tokensPerSecondPerGpu: expect.closeTo(10_000, 6), runs: 1 });
  });

  it('drops outliers and weighs recent runs more', () => {
    const run = (tokensPerSecond: number) => ({
      tokensTrained: tokensPerSecond * 1000,
      computeSeconds: 1000,
      gpuCount: 1,
      quantization: 'NONE' as const,
    });
    // Newest first; 9,000 is more than twice the median of 3,100 and is dropped.
    const calibration = calibratedThroughput([run(3200), run(3000), run(9000), run(3100)])!;
    expect(calibration.runs).toBe(3);
    // Weights 1, 0.8 and 0.8³ for ages 0, 1 and 3.
    const expected = (3200 * 1 + 3000 * 0.8 + 3100 * 0.512) / (1 + 0.8 + 0.512);
    expect(calibration.tokensPerSecondPerGpu).toBeCloseTo(expected, 9);
    expect(calibration.tokensPerSecondPerGpu).toBeGreaterThan((3200 + 3000 + 3100) / 3);
  });

  it('replaces the catalog throughput after a completed run, and says so', () => {
    const before = estimate();
    // The run went 20% faster than the catalog figure on the same GPU type and model.
    const run = {
      tokensTrained: before.tokensToTrain,
      computeSeconds: before.computeSeconds / 1.2,
      gpuCount: 1,
      quantization: balanced.quantization,
    };
    const calibration: Calibration | null = calibratedThroughput([run]);
    const after = estimate({ calibration });
    expect(after.throughputSource).toBe('CALIBRATED');
    expect(after.calibrationRuns).toBe(1);
    expect(after.throughputTokensPerSecond).toBeCloseTo(before.tokensToTrain / run.computeSeconds, 6);
    expect(after.computeSeconds).toBe(Math.ceil(run.computeSeconds));
    // The range narrows from ±15% to ±7%.
    expect(after.high.durationSeconds).toBe(Math.round(after.durationSeconds * 1.07));
    // On 2 GPUs the calibrated per-GPU figure is scaled like the catalog one.
    const two = estimate({ calibration, gpu: { type: 'A100-80GB', count: 2 } });
    expect(two.throughputTokensPerSecond).toBeCloseTo(after.throughputTokensPerSecond * 2 * 0.92, 6);
    expect(estimate({ calibration: null }).throughputSource).toBe('CATALOG');
  });
});
