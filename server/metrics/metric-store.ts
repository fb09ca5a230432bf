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

/** The columns of a MetricPointRow, for every SELECT that reads points. */
export const POINT_ROW_COLUMNS = `step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained"::float8 AS "tokensTrained", "gpuUtilization", "recordedAt"`;

/** Steps a write stored for the first time: their lowest and highest, and how many. */
export interface StoredSteps {
  from: number;
  to: number;
  count: number;
}

/**
 * The SELECT feeding an INSERT of points from the JSON parameter `$<param>` (one parameter: node-postgres escapes
 * array parameters element by element, several times slower). Shared with apply-report's coalesced statement.
 */
export function pointRowsFromJson(param: number): string {
  return pointRows('$1::uuid', `json_to_recordset($${param}::json)`);
}

/** A point's fields as the SELECTs below read them, with their SQL types. */
const POINT_FIELDS = [
  ['step', 'int'],
  ['epoch', 'float8'],
  ['trainingLoss', 'float8'],
  ['validationLoss', 'float8'],
  ['learningRate', 'float8'],
  ['gradNorm', 'float8'],
  ['throughput', 'float8'],
  ['tokensTrained', 'float8'],
  ['gpuUtilization', 'float8'],
  ['recordedAt', 'timestamptz'],
] as const satisfies readonly (readonly [keyof ProviderMetricPoint, string])[];

/** The row a point `p` is stored as, for the job `jobId` (an SQL expression). */
const pointSelect = (jobId: string) =>
  `SELECT ${jobId}, p.step, p.epoch, p."trainingLoss", p."validationLoss", p."learningRate", p."gradNorm", p.throughput, round(p."tokensTrained")::bigint, p."gpuUtilization", p."recordedAt"`;

/**
 * The same SELECT with the job id and the points' JSON taken from elsewhere: `source` ends in a json_to_recordset
 * call (apply-report's coalesced statement reads each report's job and points from a row).
 */
export function pointRows(jobId: string, source: string): string {
  return `${pointSelect(jobId)} FROM ${source} AS p(${POINT_FIELDS.map(([name, type]) => `"${name}" ${type}`).join(', ')})`;
}

/**
 * The same SELECT for the job `$1` from the arrays pointArrays makes, in parameters `$<first>` onwards: PostgreSQL
 * reads a 500-point callback's arrays in a third of the time json_to_recordset takes over its JSON.
 */
export function pointRowsFromArrays(first: number): string {
  const arrays = POINT_FIELDS.map(([, type], i) => `$${first + i}::${type}[]`).join(', ');
  return `${pointSelect('$1::uuid')} FROM unnest(${arrays}) AS p(${POINT_FIELDS.map(([name]) => `"${name}"`).join(', ')})`;
}

/** PostgreSQL's binary form of the numeric types above: element type oid and bytes per value. */
const BINARY_TYPES = { int: { oid: 23, bytes: 4 }, float8: { oid: 701, bytes: 8 } } as const;
type NumericField = Exclude<(typeof POINT_FIELDS)[number][0], 'recordedAt'>;

/**
 * The field `name` of the points as a one-dimensional int or float8 array in PostgreSQL's binary form (array_recv),
 * which node-postgres sends as is for a Buffer: no number written out as text by us nor read back by PostgreSQL,
 * and the exact double. Written through a DataView, which V8 compiles to plain stores.
 */
function binaryArray(points: readonly ProviderMetricPoint[], name: NumericField, type: keyof typeof BINARY_TYPES): Buffer {
  const { oid, bytes } = BINARY_TYPES[type];
  let nulls = 0;
  for (const p of points) if (p[name] === null) nulls++;
  const buffer = Buffer.allocUnsafe(20 + 4 * points.length + bytes * (points.length - nulls));
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  // Header: one dimension, whether it holds NULLs, the element type; the dimension's length and lower bound.
  view.setInt32(0, 1);
  view.setInt32(4, nulls > 0 ? 1 : 0);
  view.setInt32(8, oid);
  view.setInt32(12, points.length);
  view.setInt32(16, 1);
  let at = 20;
  for (const p of points) {
    const value = p[name];
    if (value === null) {
      view.setInt32(at, -1);
      at += 4;
      continue;
    }
    // Steps are checked before they get here; one PostgreSQL's int cannot hold is refused, as PostgreSQL would, not wrapped.
    if (type === 'int' && !(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)) throw new RangeError(`${name} ${value} is not an integer PostgreSQL's int holds`);
    view.setInt32(at, bytes);
    if (type === 'int') view.setInt32(at + 4, value);
    else view.setFloat64(at + 4, value);
    at += 4 + bytes;
  }
  return buffer;
}

/** A text array literal of these strings, each quoted; escaped only when one holds a quote or backslash (a checked timestamp never does). */
function textArray(values: readonly string[]): string {
  const special = /["\\]/;
  if (!values.some((v) => special.test(v))) return `{"${values.join('","')}"}`;
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * The points as one array per field, for pointRowsFromArrays: numbers in binary form, timestamps as a text literal
 * (quoted, as PostgreSQL reads them). Made here rather than by node-postgres, which escapes each element as text.
 */
export function pointArrays(points: readonly ProviderMetricPoint[]): (Buffer | string)[] {
  return POINT_FIELDS.map(([name, type]) => (type === 'timestamptz' ? textArray(points.map((p) => p.recordedAt)) : binaryArray(points, name, type)));
}

/** A timestamp JavaScript reads exactly as PostgreSQL does: a full ISO instant, to the millisecond at most. */
const EXACT_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The rows pointRowsFromJson stores for these points, as pointsAfter reads them back, made without asking the
 * database; null when only the database can say (a timestamp in another form, tokens to round).
 */
export function storedRows(points: readonly ProviderMetricPoint[]): MetricPointRow[] | null {
  const rows: MetricPointRow[] = [];
  for (const p of points) {
    if (!EXACT_INSTANT.test(p.recordedAt) || (p.tokensTrained !== null && !Number.isSafeInteger(p.tokensTrained))) return null;
    const { step, epoch, trainingLoss, validationLoss, learningRate, gradNorm, throughput, tokensTrained, gpuUtilization } = p;
    rows.push({ step, epoch, trainingLoss, validationLoss, learningRate, gradNorm, throughput, tokensTrained, gpuUtilization, recordedAt: new Date(p.recordedAt) });
  }
  return rows;
}

export const INSERT_POINT_COLUMNS = `INSERT INTO "MetricPoint" ("jobId", step, epoch, "trainingLoss", "validationLoss", "learningRate", "gradNorm", throughput, "tokensTrained", "gpuUtilization", "recordedAt")`;

/** The steps of `inserted` (a CTE of INSERT … RETURNING step) as StoredSteps, or null when none were new. */
export const STORED_STEPS_SQL = `(SELECT CASE WHEN count(*) > 0 THEN json_build_object('from', min(step), 'to', max(step), 'count', count(*)) END FROM inserted)`;

/** What an INSERT of points returns: the steps for StoredSteps and what a block summary reads. */
export const INSERTED_POINT_RETURNING = `RETURNING step, "trainingLoss", "validationLoss"`;

/** Steps per metric block: block b holds steps b·BLOCK+1 … (b+1)·BLOCK. */
export const BLOCK = 64;

/**
 * Blocks per metric span: span s holds blocks s·SPAN … s·SPAN+SPAN-1. A chart's bucket reads the spans inside it
 * and the blocks of the spans its ends cut, about blocks / SPAN + buckets × SPAN rows: least near
 * √(blocks / buckets), 16 at 5 M points in 500 buckets (12 k rows instead of 78 k blocks).
 */
export const SPAN = 16;

/** The columns of a summary (MetricBlock and MetricSpan alike), after the job and the block or span. */
const SUMMARY_COLUMNS = `"lowLoss", "lowStep", "highLoss", "highStep", "validationSteps"`;

/**
 * Inserts into MetricBlock the summary of every block of `blockPoints` (a relation of block, step, "trainingLoss",
 * "validationLoss" for the job `$1`) that holds all BLOCK steps: a full block never changes again, so it is written
 * once. Lowest and highest training loss with their steps (the lower step on a tie, as the chart reads them), and
 * the steps with a validation loss. Returns the summaries written.
 */
export function insertFullBlocksSql(blockPoints: string): string {
  return `INSERT INTO "MetricBlock" ("jobId", block, ${SUMMARY_COLUMNS})
  SELECT $1::uuid, s.block, s.low[1], s.low[2]::int, s.high[1], s.high[2]::int, s.validation
  FROM (
    SELECT block, count(*) AS n,
      min(ARRAY[coalesce("trainingLoss", 'Infinity'), step]) AS low,
      max(ARRAY[coalesce("trainingLoss", '-Infinity'), step]) AS high,
      coalesce(array_agg(step ORDER BY step) FILTER (WHERE "validationLoss" IS NOT NULL), '{}') AS validation
    FROM ${blockPoints} GROUP BY block
  ) AS s WHERE s.n = ${BLOCK}
  ON CONFLICT ("jobId", block) DO NOTHING
  RETURNING block, ${SUMMARY_COLUMNS}`;
}

/**
 * Inserts into MetricSpan the summary of every span of `spanBlocks` (a relation of span, block and a block's
 * summary columns, for the job `$1`) that holds all SPAN blocks: the lowest and highest of its blocks' (the same
 * step on a tie as the blocks'), and their validation steps. A block listed twice counts once.
 */
export function insertFullSpansSql(spanBlocks: string): string {
  return `INSERT INTO "MetricSpan" ("jobId", span, ${SUMMARY_COLUMNS})
  SELECT $1::uuid, s.span, s.low[1], s.low[2]::int, s.high[1], s.high[2]::int, s.validation
  FROM (
    SELECT span, count(DISTINCT block) AS n, min(ARRAY["lowLoss", "lowStep"]) AS low, max(ARRAY["highLoss", "highStep"]) AS high,
      coalesce(array_agg(DISTINCT v ORDER BY v) FILTER (WHERE v IS NOT NULL), '{}') AS validation
    FROM ${spanBlocks} LEFT JOIN LATERAL unnest("validationSteps") AS v ON true
    GROUP BY span
  ) AS s WHERE s.n = ${SPAN}
  ON CONFLICT ("jobId", span) DO NOTHING
  RETURNING span`;
}

/** The stored blocks of span `span` (an expression), as a relation for insertFullSpansSql. */
function storedSpanBlocks(span: string): string {
  // OFFSET 0 keeps it an index range per span: flattened into the join, the planner read the job's every block.
  return `SELECT block, ${SUMMARY_COLUMNS} FROM "MetricBlock" WHERE "jobId" = $1 AND block BETWEEN ${span} * ${SPAN} AND ${span} * ${SPAN} + ${SPAN - 1} OFFSET 0`;
}

/**
 * A CTE `spanned` after a CTE `summarised` (insertFullBlocksSql's RETURNING): summarises the spans those blocks
 * made full, from the span's stored blocks and the new ones (a statement does not see its own inserts).
 */
const SUMMARISE_FILLED_SPANS_CTE = `
spanned AS (
  ${insertFullSpansSql(`(
    SELECT t.span, b.* FROM (SELECT DISTINCT block / ${SPAN} AS span FROM summarised) AS t
    CROSS JOIN LATERAL (${storedSpanBlocks('t.span')}) AS b
    UNION ALL
    SELECT block / ${SPAN}, block, ${SUMMARY_COLUMNS} FROM summarised
  ) AS span_blocks`)}
)`;

/**
 * CTEs that summarise the blocks the points of the `inserted` CTE (INSERTED_POINT_RETURNING) made full, and the
 * spans those blocks made full, in the statement that inserts them, so a chart reads summaries instead of points
 * from the first request on. A statement does not see its own inserts, so the block's stored points (an index range,
 * only for a block this statement did not insert whole) and the new ones are added up. Two statements filling one
 * block at the same time each see only their own half and leave it unsummarised: the chart then summarises it from
 * the points when it first reads it (downsample.ts).
 */
export const SUMMARISE_FILLED_BLOCKS_CTES = `
touched AS (SELECT (step - 1) / ${BLOCK} AS block, count(*) AS n FROM inserted GROUP BY 1),
summarised AS (
  ${insertFullBlocksSql(`(
    SELECT t.block, p.step, p."trainingLoss", p."validationLoss" FROM touched t
    CROSS JOIN LATERAL (
      -- OFFSET 0 keeps it an index range per block: flattened into the join, the planner read the job's whole
      -- series for every report (a cost that grew with the series).
      SELECT step, "trainingLoss", "validationLoss" FROM "MetricPoint"
      WHERE "jobId" = $1 AND step BETWEEN t.block * ${BLOCK} + 1 AND (t.block + 1) * ${BLOCK} OFFSET 0
    ) AS p
    WHERE t.n < ${BLOCK}
    UNION ALL
    SELECT (step - 1) / ${BLOCK}, step, "trainingLoss", "validationLoss" FROM inserted
  ) AS block_points`)}
),${SUMMARISE_FILLED_SPANS_CTE}`;

/** Whether points at these steps may fill a block in order: one of them is a block's last step. */
export function mayFillBlock(points: readonly { step: number }[]): boolean {
  return points.some((p) => p.step % BLOCK === 0);
}

/**
 * Summarises the full blocks among steps from…to already stored (points loaded in bulk, outside the ingest
 * statement), and the spans they fill: the same summaries the ingest statement writes. Blocks cut by the range's
 * ends are left to a later call.
 */
export async function summariseStoredBlocks(jobId: string, from: number, to: number): Promise<void> {
  await pool.query(
    `WITH summarised AS (${insertFullBlocksSql(
      `(SELECT (step - 1) / ${BLOCK} AS block, step, "trainingLoss", "validationLoss" FROM "MetricPoint" WHERE "jobId" = $1 AND step BETWEEN $2 AND $3) AS block_points`,
    )}),${SUMMARISE_FILLED_SPANS_CTE}
    SELECT 1`,
    [jobId, from, to],
  );
}

/**
 * A relation to join into a statement that writes only summaries a read can make again from the points: its commit
 * does not wait for the disk (a chart's request stores what it summarised without paying a WAL flush; a crash loses
 * at most those rows, summarised again on the next read).
 */
export const NO_FLUSH_WAIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait`;

/**
 * Summarises, from their stored blocks, those of these spans that hold all their blocks; returns the spans written.
 * Called by a chart's request, so without waiting for the disk (NO_FLUSH_WAIT).
 */
export async function summariseStoredSpans(jobId: string, spans: readonly number[]): Promise<number[]> {
  if (spans.length === 0) return [];
  const { rows } = await pool.query<{ span: number }>(
    insertFullSpansSql(`(SELECT t.span, b.* FROM unnest($2::int[]) AS t(span) CROSS JOIN LATERAL (${storedSpanBlocks('t.span')}) AS b, ${NO_FLUSH_WAIT}) AS span_blocks`),
    [jobId, spans],
  );
  return rows.map((r) => r.span);
}

/** Inserts the points (ON CONFLICT DO NOTHING) and the summaries of the blocks they fill; returns the steps that were new, or null. */
export async function insertPoints(jobId: string, points: readonly ProviderMetricPoint[]): Promise<StoredSteps | null> {
  if (points.length === 0) return null;
  const { rows } = await pool.query<{ stored: StoredSteps | null }>(
    `WITH inserted AS (${INSERT_POINT_COLUMNS} ${pointRowsFromArrays(2)} ON CONFLICT ("jobId", step) DO NOTHING ${INSERTED_POINT_RETURNING}),
     ${SUMMARISE_FILLED_BLOCKS_CTES}
     SELECT ${STORED_STEPS_SQL} AS stored`,
    [jobId, ...pointArrays(points)],
  );
  return rows[0]!.stored;
}

/** Points after a step, ascending, at most `limit`. */
export async function pointsAfter(jobId: string, afterStep: number, limit: number): Promise<MetricPointRow[]> {
  const { rows } = await pool.query<MetricPointRow>(`SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step > $2 ORDER BY step LIMIT $3`, [
    jobId,
    afterStep,
    limit,
  ]);
  return rows;
}

/**
 * The highest step S such that every step 1..S is stored: where a poll resumes to fill gaps. Kept on the job and
 * moved forward from where it stood, so the work is the points stored since (index lookups), not the whole series.
 */
export async function contiguousStep(jobId: string): Promise<number> {
  const { rows } = await pool.query<{ step: number }>(
    `UPDATE "TrainingJob" j SET "contiguousStep" = greatest(j."contiguousStep", coalesce((
       -- From the stored value, the first stored step whose successor is missing ends the run of steps.
       SELECT min(m.step) FROM "MetricPoint" m
       WHERE m."jobId" = j.id AND m.step > j."contiguousStep"
         AND EXISTS (SELECT 1 FROM "MetricPoint" f WHERE f."jobId" = j.id AND f.step = j."contiguousStep" + 1)
         AND NOT EXISTS (SELECT 1 FROM "MetricPoint" n WHERE n."jobId" = j.id AND n.step = m.step + 1)
     ), 0))
     WHERE j.id = $1
     RETURNING j."contiguousStep" AS step`,
    [jobId],
  );
  return rows[0]?.step ?? 0;
}

/** Mean reported throughput over the run (all GPUs), for calibration. */
export async function meanThroughput(jobId: string): Promise<number | null> {
  const { rows } = await pool.query<{ mean: number | null }>(`SELECT avg(throughput) AS mean FROM "MetricPoint" WHERE "jobId" = $1 AND throughput > 0`, [jobId]);
  return rows[0]?.mean ?? null;
}
