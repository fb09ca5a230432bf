// Quality of a trained adapter, measured from the job's stored metric points
// in one SQL statement (a long run has many points; only the few validation points are loaded here).
import { pool } from '../db/client.js';
import { bestPoint, detectOverfit, OVERFIT_RULE, overfitMessage, type Overfit } from '../training/loss-curve.js';

/** Why a model lost stars, as a client shows it beside the rating. */
export interface QualityWarning {
  code: 'OVERFITTING' | 'POOR_GENERALIZATION';
  message: string;
}

export interface QualityMetrics {
  finalValidationLoss: number | null;
  bestValidationLoss: number | null;
  /** The step of the best validation loss: the checkpoint to prefer when the run overfit. */
  bestValidationStep: number | null;
  finalTrainingLoss: number | null;
  /** exp(final validation loss). */
  perplexity: number | null;
  /** 1 − mean(last 5% of training-loss points) ÷ mean(first 5%): 0.4 means the loss fell by 40%. */
  lossReduction: number | null;
  /** 1–5 stars, by RATING_RULE; null without training-loss points. */
  rating: number | null;
  /** Every deduction the rating made, with its reason. */
  warnings: QualityWarning[];
}

/** The share of training-loss points at each end of the curve that loss reduction compares. */
export const EDGE_SHARE = 0.05;

/**
 * The star rating, written down once so the schema, the model card and the
 * code agree. Loss reduction measures whether training learned anything; the
 * two deductions catch the usual ways a low training loss lies.
 */
export const RATING_RULE =
  'Stars from how far the training loss fell (loss reduction r): r ≥ 50% → 5, r ≥ 35% → 4, r ≥ 20% → 3, r ≥ 10% → 2, otherwise 1. ' +
  `One star off when the model overfit (${OVERFIT_RULE.minEvaluations} or more evaluations after the best validation loss, the last more than ` +
  `${OVERFIT_RULE.minRise * 100}% above it), two when it ended more than ${OVERFIT_RULE.severeRise * 100}% above its best; ` +
  'one off when it does not generalise (final validation loss more than 1.5 × final training loss); never below 1. ' +
  'Each deduction is listed in warnings. Null when no training loss was recorded.';

type RatingInput = Pick<QualityMetrics, 'lossReduction' | 'finalValidationLoss' | 'finalTrainingLoss'> & { overfit: Overfit | null };

/** The stars and the warnings that explain every star taken off. */
export function rate(q: RatingInput): { rating: number | null; warnings: QualityWarning[] } {
  const warnings: QualityWarning[] = [];
  if (q.overfit) warnings.push({ code: 'OVERFITTING', message: overfitMessage(q.overfit) });
  if (q.finalValidationLoss !== null && q.finalTrainingLoss !== null && q.finalValidationLoss > q.finalTrainingLoss * 1.5) {
    warnings.push({
      code: 'POOR_GENERALIZATION',
      message: `Final validation loss ${q.finalValidationLoss.toFixed(3)} is more than 1.5 × the final training loss ${q.finalTrainingLoss.toFixed(3)}: the model does not generalise well beyond its training examples.`,
    });
  }
  if (q.lossReduction === null) return { rating: null, warnings };
  const r = q.lossReduction;
  let stars = r >= 0.5 ? 5 : r >= 0.35 ? 4 : r >= 0.2 ? 3 : r >= 0.1 ? 2 : 1;
  if (q.overfit) stars -= q.overfit.severe ? 2 : 1;
  if (warnings.some((w) => w.code === 'POOR_GENERALIZATION')) stars--;
  return { rating: Math.max(1, stars), warnings };
}

interface Row {
  first_mean: number | null;
  last_mean: number | null;
  final_training: number | null;
  final_validation: number | null;
  best_validation: number | null;
  validation_steps: number[] | null;
  validation_losses: number[] | null;
}

export async function measureQuality(jobId: string): Promise<QualityMetrics> {
  const { rows } = await pool.query<Row>(
    `WITH training AS (
       SELECT step, "trainingLoss" AS loss,
              row_number() OVER (ORDER BY step) AS rn,
              greatest(1, ceil(count(*) OVER () * $2::float8))::bigint AS edge,
              count(*) OVER () AS n
       FROM "MetricPoint" WHERE "jobId" = $1::uuid AND "trainingLoss" IS NOT NULL
     ), edges AS (
       SELECT avg(loss) FILTER (WHERE rn <= edge) AS first_mean,
              avg(loss) FILTER (WHERE rn > n - edge) AS last_mean,
              (array_agg(loss ORDER BY step DESC))[1] AS final_training
       FROM training
     ), validation AS (
       SELECT (array_agg("validationLoss" ORDER BY step DESC))[1] AS final_validation,
              min("validationLoss") AS best_validation,
              array_agg(step ORDER BY step) AS validation_steps,
              array_agg("validationLoss" ORDER BY step) AS validation_losses
       FROM "MetricPoint" WHERE "jobId" = $1::uuid AND "validationLoss" IS NOT NULL
     )
     SELECT * FROM edges, validation`,
    [jobId, EDGE_SHARE],
  );
  const row = rows[0]!;
  const lossReduction = row.first_mean !== null && row.last_mean !== null && row.first_mean > 0 ? 1 - row.last_mean / row.first_mean : null;
  const validation = (row.validation_steps ?? []).map((step, i) => ({ step, value: row.validation_losses![i]! }));
  const best = bestPoint(validation);
  const quality = {
    finalValidationLoss: row.final_validation,
    bestValidationLoss: row.best_validation,
    bestValidationStep: best?.step ?? null,
    finalTrainingLoss: row.final_training,
    perplexity: row.final_validation === null ? null : Math.exp(row.final_validation),
    lossReduction,
  };
  return { ...quality, ...rate({ ...quality, overfit: detectOverfit(validation) }) };
}
