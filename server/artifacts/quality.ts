// Quality of a trained adapter, measured from the job's stored metric points
// in one SQL statement (a long run has many points; none are loaded here).
import { pool } from '../db/client.js';

export interface QualityMetrics {
  finalValidationLoss: number | null;
  bestValidationLoss: number | null;
  finalTrainingLoss: number | null;
  /** exp(final validation loss). */
  perplexity: number | null;
  /** 1 − mean(last 5% of training-loss points) ÷ mean(first 5%): 0.4 means the loss fell by 40%. */
  lossReduction: number | null;
  /** 1–5 stars, by RATING_RULE; null without training-loss points. */
  rating: number | null;
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
  'One star off when the model overfit (final validation loss more than 10% above its best), and one off when it does not generalise ' +
  '(final validation loss more than 1.5 × final training loss); never below 1. Null when no training loss was recorded.';

export function ratingOf(q: Pick<QualityMetrics, 'lossReduction' | 'finalValidationLoss' | 'bestValidationLoss' | 'finalTrainingLoss'>): number | null {
  if (q.lossReduction === null) return null;
  const r = q.lossReduction;
  let stars = r >= 0.5 ? 5 : r >= 0.35 ? 4 : r >= 0.2 ? 3 : r >= 0.1 ? 2 : 1;
  if (q.finalValidationLoss !== null && q.bestValidationLoss !== null && q.finalValidationLoss > q.bestValidationLoss * 1.1) stars--;
  if (q.finalValidationLoss !== null && q.finalTrainingLoss !== null && q.finalValidationLoss > q.finalTrainingLoss * 1.5) stars--;
  return Math.max(1, stars);
}

interface Row {
  first_mean: number | null;
  last_mean: number | null;
  final_training: number | null;
  final_validation: number | null;
  best_validation: number | null;
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
              min("validationLoss") AS best_validation
       FROM "MetricPoint" WHERE "jobId" = $1::uuid AND "validationLoss" IS NOT NULL
     )
     SELECT * FROM edges, validation`,
    [jobId, EDGE_SHARE],
  );
  const row = rows[0]!;
  const lossReduction = row.first_mean !== null && row.last_mean !== null && row.first_mean > 0 ? 1 - row.last_mean / row.first_mean : null;
  const quality = {
    finalValidationLoss: row.final_validation,
    bestValidationLoss: row.best_validation,
    finalTrainingLoss: row.final_training,
    perplexity: row.final_validation === null ? null : Math.exp(row.final_validation),
    lossReduction,
  };
  return { ...quality, rating: ratingOf(quality) };
}
