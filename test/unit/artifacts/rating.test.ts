// server/artifacts/quality.ts rate(): the stars and the warnings that explain every star taken off.
import { describe, expect, it } from 'vitest';
import { rate } from '../../../server/artifacts/quality.js';
import { detectOverfit } from '../../../server/training/loss-curve.js';

const evals = (values: number[]) => values.map((value, i) => ({ step: (i + 1) * 100, value }));

describe('rate', () => {
  it('gives a run whose validation loss rose from 1.03 to 1.53 at the end two stars off and says why', () => {
    const overfit = detectOverfit(evals([1.6, 1.2, 1.03, 1.1, 1.3, 1.53]));
    // Training loss fell 40%: 4 stars before the deduction; the final losses generalise (1.53 < 1.5 × 1.1).
    const { rating, warnings } = rate({ lossReduction: 0.4, finalValidationLoss: 1.53, finalTrainingLoss: 1.1, overfit });
    expect(rating).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('OVERFITTING');
    expect(warnings[0]!.message).toContain('rose from 1.030 at step 300 to 1.530 at step 600');
  });

  it('takes one star for a mild rise and none for a clean run', () => {
    const mild = detectOverfit(evals([1.2, 1.0, 1.05, 1.15]));
    expect(rate({ lossReduction: 0.4, finalValidationLoss: 1.15, finalTrainingLoss: 1.0, overfit: mild }).rating).toBe(3);
    expect(rate({ lossReduction: 0.4, finalValidationLoss: 1.0, finalTrainingLoss: 0.9, overfit: null })).toEqual({ rating: 4, warnings: [] });
  });

  it('adds poor generalisation on top, never below one star, and is null without training loss', () => {
    const overfit = detectOverfit(evals([1.0, 1.2, 1.3]));
    const result = rate({ lossReduction: 0.15, finalValidationLoss: 1.3, finalTrainingLoss: 0.5, overfit });
    expect(result.rating).toBe(1);
    expect(result.warnings.map((w) => w.code)).toEqual(['OVERFITTING', 'POOR_GENERALIZATION']);
    expect(rate({ lossReduction: null, finalValidationLoss: null, finalTrainingLoss: null, overfit: null })).toEqual({ rating: null, warnings: [] });
  });
});
