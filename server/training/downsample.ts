// A long metric series reduced to at most maxPoints while keeping its shape:
// the steps are cut into equal buckets and each bucket keeps its lowest and
// highest training loss, plus validation points spread over the whole run (up
// to a quarter of the budget) and always the first and last point.
// Over a long series the buckets are whole blocks of BLOCK steps, and each
// block's extremes are kept. The statement that stores points summarises the
// blocks they fill (MetricBlock, metric-store.ts), so a request reads stored
// summaries and only the blocks still filling (the tail of a running job),
// from the first request after a restart on. A full block without a summary
// (stored before summaries were written on ingest, or filled by two reports at
// once) or the last blocks of a job that ended a while ago are summarised from
// the points when first read, then stored. Summaries read are remembered in
// memory, and so are the points a request returns, so the next request (whose
// buckets mostly fall on the same steps) reads only the ones it has not seen.
import { pool } from '../db/client.js';
import { BLOCK, POINT_ROW_COLUMNS, type MetricPointRow } from '../metrics/metric-store.js';

/** Blocks remembered over all jobs (about 100 bytes each; 100,000 cover 6.4 million points), least recently used job out first. */
const MAX_CACHED_BLOCKS = 100_000;
/** Points remembered per job (about 250 bytes each), and what one counts for against MAX_CACHED_BLOCKS. */
const MAX_CACHED_POINTS_PER_JOB = 20_000;
const POINT_WEIGHT = 2;
/** A job that ended this long ago receives no more points, so its incomplete blocks are final too. */
const SETTLED_AFTER_SECONDS = 60;

interface BlockSummary {
  low: number;
  lowStep: number;
  high: number;
  highStep: number;
  /** Steps with a validation loss, ascending. */
  validation: readonly number[];
}

const NONE: readonly number[] = Object.freeze([]);

interface JobEntry {
  /** By block index (a Map: blocks arrive in any order, and an array filled so would turn sparse and slow). */
  blocks: Map<number, BlockSummary>;
  /** Stored points by step: a stored point never changes. */
  points: Map<number, MetricPointRow>;
  /** Blocks and points held, in MAX_CACHED_BLOCKS units. */
  size: number;
}

/** Final block summaries and returned points per job, in least-recently-used order. */
class BlockCache {
  private readonly jobs = new Map<string, JobEntry>();
  private size = 0;

  get(jobId: string): JobEntry | undefined {
    const entry = this.jobs.get(jobId);
    if (entry) {
      this.jobs.delete(jobId);
      this.jobs.set(jobId, entry);
    }
    return entry;
  }

  add(jobId: string, block: number, summary: BlockSummary): void {
    const entry = this.entry(jobId, 1);
    if (!entry || entry.blocks.has(block)) return;
    entry.blocks.set(block, summary);
    this.grow(entry, 1);
  }

  addPoints(jobId: string, points: readonly MetricPointRow[]): void {
    const entry = this.entry(jobId, points.length * POINT_WEIGHT);
    if (!entry) return;
    if (entry.points.size + points.length > MAX_CACHED_POINTS_PER_JOB) {
      this.grow(entry, -entry.points.size * POINT_WEIGHT);
      entry.points.clear();
    }
    for (const point of points) entry.points.set(point.step, point);
    this.grow(entry, points.length * POINT_WEIGHT);
  }

  /** The job's entry, made if needed, once older jobs made room for `units` more; undefined if they cannot. */
  private entry(jobId: string, units: number): JobEntry | undefined {
    for (const [oldest, old] of this.jobs) {
      if (this.size + units <= MAX_CACHED_BLOCKS || oldest === jobId) break;
      this.jobs.delete(oldest);
      this.size -= old.size;
    }
    // A single series larger than the whole cache is remembered only in part.
    if (this.size + units > MAX_CACHED_BLOCKS) return undefined;
    let entry = this.jobs.get(jobId);
    if (!entry) {
      entry = { blocks: new Map(), points: new Map(), size: 0 };
      this.jobs.set(jobId, entry);
    }
    return entry;
  }

  private grow(entry: JobEntry, units: number): void {
    entry.size += units;
    this.size += units;
  }
}

let cache = new BlockCache();

/** Forgets what this process remembers of every series, as a restart does (tests and benchmarks). */
export function forgetRememberedSeries(): void {
  cache = new BlockCache();
}

export async function downsampledSeries(jobId: string, maxPoints: number): Promise<MetricPointRow[]> {
  const budget = Math.max(2, Math.floor(maxPoints));
  // min and max come from the primary key's ends; the count stops at budget + 1.
  const {
    rows: [range],
  } = await pool.query<{ lo: number | null; hi: number | null; n: number; settled: boolean }>(
    `SELECT (SELECT min(step) FROM "MetricPoint" WHERE "jobId" = $1) AS lo,
            (SELECT max(step) FROM "MetricPoint" WHERE "jobId" = $1) AS hi,
            (SELECT count(*)::int FROM (SELECT 1 FROM "MetricPoint" WHERE "jobId" = $1 LIMIT $2) AS t) AS n,
            coalesce((SELECT status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND coalesce("completedAt", "updatedAt") < now() - make_interval(secs => $3)
                      FROM "TrainingJob" WHERE id = $1), false) AS settled`,
    [jobId, budget + 1, SETTLED_AFTER_SECONDS],
  );
  if (!range || range.lo === null || range.hi === null) return [];
  if (range.n <= budget) {
    const { rows } = await pool.query<MetricPointRow>(`SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 ORDER BY step`, [jobId]);
    return rows;
  }
  const { lo, hi } = range;
  const firstBlock = Math.floor((lo - 1) / BLOCK);
  const lastBlock = Math.floor((hi - 1) / BLOCK);
  // Blocks only when every bucket gets at least one: a shorter series is bucketed point by point.
  const steps =
    lastBlock - firstBlock + 1 >= Math.floor((budget - 2) / 2)
      ? await stepsByBlock(jobId, budget, firstBlock, lastBlock, range.settled)
      : await stepsByPoint(jobId, budget, lo, hi);
  steps.add(lo).add(hi);
  const rows = await pointsAt(
    jobId,
    [...steps].sort((a, b) => a - b),
  );
  return rows.slice(0, budget - 1).concat(rows.length > budget - 1 ? [rows.at(-1)!] : []);
}

/** The stored points at these steps (ascending): remembered ones from memory, the rest in one query. */
async function pointsAt(jobId: string, steps: number[]): Promise<MetricPointRow[]> {
  const known = cache.get(jobId)?.points;
  const found = steps.map((step) => known?.get(step));
  const missing = steps.filter((_, i) => !found[i]);
  const read = new Map<number, MetricPointRow>();
  if (missing.length > 0) {
    const { rows } = await pool.query<MetricPointRow>(`SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step = ANY($2::int[])`, [jobId, missing]);
    for (const row of rows) read.set(row.step, row);
    cache.addPoints(jobId, rows);
  }
  return steps.flatMap((step, i) => found[i] ?? read.get(step) ?? []);
}

/** Buckets of whole blocks: each bucket's extremes from its blocks' remembered extremes. */
async function stepsByBlock(jobId: string, budget: number, firstBlock: number, lastBlock: number, settled: boolean): Promise<Set<number>> {
  const block = await blockSummaries(jobId, firstBlock, lastBlock, settled);
  const validation: number[] = [];
  for (let b = firstBlock; b <= lastBlock; b++) {
    const summary = block(b);
    if (summary) for (const step of summary.validation) validation.push(step);
  }
  const kept = spread(validation, Math.floor(budget / 4));
  const buckets = Math.max(1, Math.floor((budget - 2 - kept.length) / 2));
  const perBucket = Math.ceil((lastBlock - firstBlock + 1) / buckets);
  const steps = new Set<number>(kept);
  for (let start = firstBlock; start <= lastBlock; start += perBucket) {
    let low: BlockSummary | undefined;
    let high: BlockSummary | undefined;
    for (let b = start; b < start + perBucket && b <= lastBlock; b++) {
      const s = block(b);
      if (!s) continue;
      if (!low || s.low < low.low || (s.low === low.low && s.lowStep < low.lowStep)) low = s;
      if (!high || s.high > high.high || (s.high === high.high && s.highStep > high.highStep)) high = s;
    }
    if (low) steps.add(low.lowStep);
    if (high) steps.add(high.highStep);
  }
  return steps;
}

/** Consecutive blocks as step ranges, for one query over them. */
function stepRanges(blocks: readonly number[]): { from: number[]; to: number[] } {
  const from: number[] = [];
  const to: number[] = [];
  for (const b of blocks) {
    if (to.length > 0 && to.at(-1) === b * BLOCK) to[to.length - 1] = (b + 1) * BLOCK;
    else {
      from.push(b * BLOCK + 1);
      to.push((b + 1) * BLOCK);
    }
  }
  return { from, to };
}

/**
 * The blocks' summaries: from memory, then the stored final ones (MetricBlock), then the rest from the points in
 * one query over the step ranges they cover. What the points give that is final is stored and remembered.
 */
async function blockSummaries(jobId: string, firstBlock: number, lastBlock: number, settled: boolean): Promise<(block: number) => BlockSummary | undefined> {
  const known = cache.get(jobId)?.blocks ?? new Map<number, BlockSummary>();
  const read = new Map<number, BlockSummary>();
  const lookup = (b: number) => known.get(b) ?? read.get(b);
  const unknown: number[] = [];
  for (let b = firstBlock; b <= lastBlock; b++) if (!known.has(b)) unknown.push(b);
  if (unknown.length === 0) return lookup;

  // One JSON value rather than a row per block: at millions of points (tens of thousands of blocks) parsing rows
  // one by one cost more than the query. ±Infinity (a block without a training loss) arrives as a string.
  const {
    rows: [stored],
  } = await pool.query<{ blocks: [number, number | string, number, number | string, number, number[]][] | null }>(
    `SELECT json_agg(json_build_array(block, "lowLoss", "lowStep", "highLoss", "highStep", "validationSteps")) AS blocks FROM "MetricBlock"
     WHERE "jobId" = $1 AND block BETWEEN $2 AND $3`,
    [jobId, unknown[0], unknown.at(-1)],
  );
  for (const [block, low, lowStep, high, highStep, validation] of stored?.blocks ?? []) {
    if (known.has(block)) continue;
    const summary: BlockSummary = { low: Number(low), lowStep, high: Number(high), highStep, validation: validation.length > 0 ? validation : NONE };
    read.set(block, summary);
    cache.add(jobId, block, summary);
  }
  const { from, to } = stepRanges(unknown.filter((b) => !read.has(b)));
  if (from.length === 0) return lookup;
  const { rows } = await pool.query<{ block: number; n: number; low: number[]; high: number[]; validation: number[] | null }>(
    `SELECT (m.step - 1) / ${BLOCK} AS block, count(*)::int AS n,
            min(ARRAY[coalesce(m."trainingLoss", 'Infinity'), m.step]) AS low,
            max(ARRAY[coalesce(m."trainingLoss", '-Infinity'), m.step]) AS high,
            array_agg(m.step) FILTER (WHERE m."validationLoss" IS NOT NULL) AS validation
     FROM unnest($2::int[], $3::int[]) AS r(lo, hi)
     -- LATERAL: one index range scan per step range. A plain join let the planner scan the job's whole series
     -- (hundreds of ms at millions of points) to find the few rows of a block still filling.
     CROSS JOIN LATERAL (
       SELECT p.step, p."trainingLoss", p."validationLoss" FROM "MetricPoint" p WHERE p."jobId" = $1 AND p.step BETWEEN r.lo AND r.hi
     ) AS m
     GROUP BY 1`,
    [jobId, from, to],
  );
  const final: { block: number; summary: BlockSummary }[] = [];
  for (const row of rows) {
    const summary: BlockSummary = { low: row.low[0]!, lowStep: row.low[1]!, high: row.high[0]!, highStep: row.high[1]!, validation: row.validation?.sort((a, b) => a - b) ?? NONE };
    read.set(row.block, summary);
    // A block holding all its steps, or of a job that ended a while ago, never changes again.
    if (row.n === BLOCK || settled) {
      cache.add(jobId, row.block, summary);
      final.push({ block: row.block, summary });
    }
  }
  if (final.length > 0) await storeBlocks(jobId, final);
  return lookup;
}

/** A float for JSON that PostgreSQL reads back as itself: ±Infinity (a block without a training loss) as text. */
const exact = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

/** Stores final block summaries (a block stored once stays as it is). */
async function storeBlocks(jobId: string, blocks: readonly { block: number; summary: BlockSummary }[]): Promise<void> {
  await pool.query(
    `INSERT INTO "MetricBlock" ("jobId", block, "lowLoss", "lowStep", "highLoss", "highStep", "validationSteps")
     SELECT $1::uuid, b.block, b."lowLoss", b."lowStep", b."highLoss", b."highStep", coalesce(b."validationSteps", '{}')
     FROM json_to_recordset($2::json) AS b(block int, "lowLoss" float8, "lowStep" int, "highLoss" float8, "highStep" int, "validationSteps" int[])
     ON CONFLICT ("jobId", block) DO NOTHING`,
    [
      jobId,
      JSON.stringify(
        blocks.map(({ block, summary: s }) => ({ block, lowLoss: exact(s.low), lowStep: s.lowStep, highLoss: exact(s.high), highStep: s.highStep, validationSteps: s.validation })),
      ),
    ],
  );
}

/** Buckets of equal step ranges over a series short enough to read whole. */
async function stepsByPoint(jobId: string, budget: number, lo: number, hi: number): Promise<Set<number>> {
  const { rows: validation } = await pool.query<{ step: number }>(`SELECT step FROM "MetricPoint" WHERE "jobId" = $1 AND "validationLoss" IS NOT NULL ORDER BY step`, [jobId]);
  const kept = spread(
    validation.map((v) => v.step),
    Math.floor(budget / 4),
  );
  const buckets = Math.max(1, Math.floor((budget - 2 - kept.length) / 2));
  const { rows: extremes } = await pool.query<{ low: number; high: number }>(
    `SELECT (min(ARRAY[coalesce("trainingLoss", 'Infinity'), step]))[2]::int AS low,
            (max(ARRAY[coalesce("trainingLoss", '-Infinity'), step]))[2]::int AS high
     FROM "MetricPoint" WHERE "jobId" = $1
     GROUP BY ((step - $2)::bigint * $3) / $4`,
    [jobId, lo, buckets, hi - lo + 1],
  );
  const steps = new Set<number>(kept);
  for (const e of extremes) steps.add(e.low).add(e.high);
  return steps;
}

/** At most `max` of the sorted steps, evenly spaced over them and ending with the last. */
function spread(steps: number[], max: number): number[] {
  if (steps.length <= max) return steps;
  if (max <= 0) return [];
  if (max === 1) return [steps.at(-1)!];
  return Array.from({ length: max }, (_, i) => steps[Math.round((i * (steps.length - 1)) / (max - 1))]!);
}
