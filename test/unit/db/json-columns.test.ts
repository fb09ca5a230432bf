// JSON columns are read through their shape: a good row reads as its type, a row that is not what the code expects
// fails by name (StoredJsonError) instead of becoming a wrong number later.
import { describe, expect, it } from 'vitest';
import { StoredJsonError } from '../../../server/db/json.js';
import { readStatistics } from '../../../server/datasets/stored-statistics.js';
import { findPreset, presetHyperparameters } from '../../../server/catalog/training.js';
import { defaultBaseModel } from '../../../server/catalog/base-models.js';
import { readHyperparameters } from '../../../server/training/hyperparameters.js';
import { estimateTrainingCost } from '../../../server/training/estimate.js';
import { readEstimate } from '../../../server/training/stored-estimate.js';

describe('stored JSON columns', () => {
  it('reads stored hyperparameters as they were written', () => {
    const written = presetHyperparameters(findPreset('fast')!, defaultBaseModel());
    expect(readHyperparameters(JSON.parse(JSON.stringify(written)))).toEqual(written);
  });

  it('refuses hyperparameters with a missing or mistyped field, naming the column', () => {
    const written = presetHyperparameters(findPreset('fast')!, defaultBaseModel());
    expect(() => readHyperparameters({ ...written, epochs: '2' })).toThrow(StoredJsonError);
    expect(() => readHyperparameters({ ...written, quantization: 'FP4' })).toThrow(/stored hyperparameters/);
    expect(() => readHyperparameters(null)).toThrow(StoredJsonError);
  });

  it('reads dataset statistics, and refuses none or a partial set', () => {
    const statistics = {
      examples: 3,
      trainingPairs: 3,
      totalTokens: 120,
      tokensPerExample: { min: 30, mean: 40, p95: 50, max: 50 },
      examplesOverContext: 0,
      roleCounts: { system: 0, user: 3, assistant: 3 },
      duplicates: 0,
      emptyLines: 0,
      histogram: [{ bucketStart: 30, count: 3 }],
    };
    expect(readStatistics(statistics)).toEqual(statistics);
    expect(() => readStatistics(null)).toThrow(/stored dataset statistics/);
    expect(() => readStatistics({ examples: 3 })).toThrow(StoredJsonError);
  });

  it('reads a stored estimate as it was written, and refuses a partial one, naming the column', () => {
    const model = defaultBaseModel();
    const written = estimateTrainingCost({
      datasetTokens: 50_000,
      datasetExamples: 100,
      hyperparameters: presetHyperparameters(findPreset('fast')!, model),
      baseModel: model,
      gpu: { type: 'A100-80GB', count: 2 },
    });
    expect(readEstimate(JSON.parse(JSON.stringify(written)))).toEqual(written);
    expect(() => readEstimate({ tokensToTrain: 10_000 })).toThrow(/stored training estimate/);
    expect(() => readEstimate(JSON.parse(JSON.stringify({ ...written, costUsd: 1.5 })))).toThrow(StoredJsonError);
  });
});
