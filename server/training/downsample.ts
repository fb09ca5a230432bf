// A long metric series reduced to at most maxPoints while keeping its shape:
// the steps are cut into equal buckets and each bucket keeps its lowest and
// highest training loss (one pass, no sort), plus every validation point the
// budget allows and always the first and last point.
import { pool } from '../db/client.js';
import type { MetricPointRow } from './metric-store.js';

const COLUMNS = `step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained"::float8 AS "tokensTrained", "gpuUtilization", "recordedAt"`;

export async function downsampledSeries(jobId: string, maxPoints: number): Promise<MetricPointRow[]> {
  const budget = Math.max(2, Math.floor(maxPoints));
  const { rows: [range] } = await pool.query<{ n: number; lo: number | null; hi: number | null }>(
    `SELECT count(*)::int AS n, min(step) AS lo, max(step) AS hi FROM "MetricPoint" WHERE "jobId" = $1`,
    [jobId],
  );
  if (!range || range.n === 0) return [];
  if (range.n <= budget) {
    const { rows } = await pool.query<MetricPointRow>(`SELECT ${COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 ORDER BY step`, [jobId]);
    return rows;
  }
  const lo = range.lo!;
  const span = range.hi! - lo + 1;
  // Validation points are few (a handful per epoch) and are what the chart's second line is made of.
  const { rows: validation } = await pool.query<{ step: number }>(
    `SELECT step FROM "MetricPoint" WHERE "jobId" = $1 AND "validationLoss" IS NOT NULL ORDER BY step LIMIT $2`,
    [jobId, Math.floor(budget / 4)],
  );
  const buckets = Math.max(1, Math.floor((budget - 2 - validation.length) / 2));
  const { rows: extremes } = await pool.query<{ low: number; high: number }>(
    `SELECT (min(ARRAY[coalesce("trainingLoss", 'Infinity'), step]))[2]::int AS low,
            (max(ARRAY[coalesce("trainingLoss", '-Infinity'), step]))[2]::int AS high
     FROM "MetricPoint" WHERE "jobId" = $1
     GROUP BY ((step - $2)::bigint * $3) / $4`,
    [jobId, lo, buckets, span],
  );
  const steps = new Set<number>([lo, range.hi!, ...validation.map((v) => v.step)]);
  for (const e of extremes) steps.add(e.low).add(e.high);
  const { rows } = await pool.query<MetricPointRow>(
    `SELECT ${COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step = ANY($2::int[]) ORDER BY step`,
    [jobId, [...steps]],
  );
  return rows.slice(0, budget - 1).concat(rows.length > budget - 1 ? [rows.at(-1)!] : []);
}
