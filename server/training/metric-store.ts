// Metric points in PostgreSQL: a batch is written with one multi-row
// statement and lands once per (job, step), however often it is delivered.
import { pool } from '../db/client.js';
import type { ProviderMetricPoint } from '../gpu/provider.js';

export interface MetricPointRow {
  step: number;
  epoch: number;
  trainingLoss: number | null;
  validationLoss: number | null;
  learningRate: number | null;
  gradNorm: number | null;
  throughput: number | null;
  tokensTrained: number | null;
  gpuUtilization: number | null;
  recordedAt: Date;
}

const COLUMNS = `step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained"::float8 AS "tokensTrained", "gpuUtilization", "recordedAt"`;

/** Inserts the points (ON CONFLICT DO NOTHING); returns the steps that were new, ascending. */
export async function insertPoints(jobId: string, points: readonly ProviderMetricPoint[]): Promise<number[]> {
  if (points.length === 0) return [];
  // One JSON parameter: node-postgres escapes array parameters element by element, several times slower.
  const json = JSON.stringify(points, (key, value) => (key === 'tokensTrained' && typeof value === 'number' ? Math.round(value) : value));
  const { rows } = await pool.query<{ step: number }>(
    `INSERT INTO "MetricPoint" ("jobId", step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained", "gpuUtilization", "recordedAt")
     SELECT $1::uuid, p.step, p.epoch, p."trainingLoss", p."validationLoss", p."learningRate", p."gradNorm", p.throughput, p."tokensTrained", p."gpuUtilization", p."recordedAt"
     FROM json_to_recordset($2::json) AS p(step int, epoch float8, "trainingLoss" float8, "validationLoss" float8, "learningRate" float8, "gradNorm" float8,
       throughput float8, "tokensTrained" bigint, "gpuUtilization" float8, "recordedAt" timestamptz)
     ON CONFLICT ("jobId", step) DO NOTHING
     RETURNING step`,
    [jobId, json],
  );
  return rows.map((r) => r.step).sort((a, b) => a - b);
}

/** Points after a step, ascending, at most `limit`. */
export async function pointsAfter(jobId: string, afterStep: number, limit: number): Promise<MetricPointRow[]> {
  const { rows } = await pool.query<MetricPointRow>(
    `SELECT ${COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step > $2 ORDER BY step LIMIT $3`,
    [jobId, afterStep, limit],
  );
  return rows;
}

/** The highest step S such that every step 1..S is stored: where a poll resumes to fill gaps. */
export async function contiguousStep(jobId: string): Promise<number> {
  const { rows } = await pool.query<{ count: number; max: number | null }>(
    `SELECT count(*)::int AS count, max(step) AS max FROM "MetricPoint" WHERE "jobId" = $1`,
    [jobId],
  );
  const { count, max } = rows[0]!;
  if (max === null || count === max) return max ?? 0;
  const gap = await pool.query<{ step: number }>(
    `SELECT coalesce(min(rn) - 1, 0)::int AS step FROM (
       SELECT step, row_number() OVER (ORDER BY step) AS rn FROM "MetricPoint" WHERE "jobId" = $1
     ) t WHERE step <> rn`,
    [jobId],
  );
  return gap.rows[0]!.step;
}

/** Mean reported throughput over the run (all GPUs), for calibration. */
export async function meanThroughput(jobId: string): Promise<number | null> {
  const { rows } = await pool.query<{ mean: number | null }>(
    `SELECT avg(throughput) AS mean FROM "MetricPoint" WHERE "jobId" = $1 AND throughput > 0`,
    [jobId],
  );
  return rows[0]?.mean ?? null;
}
