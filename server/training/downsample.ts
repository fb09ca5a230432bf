// A long metric series reduced to at most maxPoints while keeping its shape:
// the steps are cut into equal buckets and each bucket keeps its lowest and
// highest training loss, plus validation points spread over the whole run (up
// to a quarter of the budget) and always the first and last point.
// Over a long series the buckets are whole blocks of BLOCK steps, and each
// block's extremes are kept. The statement that stores points summarises the
// blocks they fill (MetricBlock) and the spans of SPAN blocks those complete
// (MetricSpan, metric-store.ts). A request aggregates in PostgreSQL, so only a
// row per bucket reaches this process: the spans inside a bucket, the blocks of
// the spans its ends cut, and the blocks still filling (the tail of a running
// job), from the first request after a restart on. A full block without a
// summary (stored before summaries were written on ingest, filled out of order
// or by two reports at once) or the last blocks of a job that ended a while ago
// are summarised from the points when first read, then stored, and so are the
// spans they complete. Which spans are stored, the buckets that can no longer
// change, and the points a request returns, are remembered in memory, so the
// next request (whose buckets mostly fall on the same steps) reads only the
// last buckets and the points it has not seen. When a running job's buckets
// move (a validation point more, or a block more per bucket), the stored block
// summaries are read once in the background, and the moves after that are
// regrouped from them in memory.
import { pool } from '../db/client.js';
import { BLOCK, NO_FLUSH_WAIT, POINT_ROW_COLUMNS, SPAN, summariseStoredSpans, type MetricPointRow } from '../metrics/metric-store.js';

/** Points remembered over all jobs (about 250 bytes each), least recently used job out first. */
const MAX_CACHED_POINTS = 50_000;
/** Points remembered per job. */
const MAX_CACHED_POINTS_PER_JOB = 20_000;
/** Stored block summaries remembered over all jobs (24 bytes each: 78,125 for a 5 M-point series, about 2 MB). */
const MAX_REMEMBERED_BLOCKS = 250_000;
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
  /** Stored points by step: a stored point never changes. */
  points: Map<number, MetricPointRow>;
  /** Spans from…to-1 are all stored (a stored span never changes), and the validation steps they hold. */
  spans: { from: number; to: number; validation: number[] } | null;
  /** The lowest and highest step of the buckets (of blocks from a first one, so many per bucket) that never change. */
  buckets: { key: string; final: (readonly [number, number] | null)[] } | null;
  /**
   * Stored block summaries from a block on, read in the background once a running job's buckets have moved (a new
   * validation point or a block more per bucket regroups them all): the next move regroups them here instead of
   * aggregating the whole series again. A stored summary never changes.
   */
  blocks: StoredBlocks | null;
  /** Whether a read of stored block summaries is under way. */
  loading: boolean;
}

interface StoredBlocks {
  from: number;
  lowLoss: Float64Array;
  lowStep: Int32Array;
  highLoss: Float64Array;
  highStep: Int32Array;
}

/** Returned points and stored spans per job, in least-recently-used order. */
class SeriesCache {
  private readonly jobs = new Map<string, JobEntry>();
  private size = 0;

  /** The job's entry, made if needed, and now the most recently used. */
  get(jobId: string): JobEntry {
    let entry = this.jobs.get(jobId);
    if (entry) this.jobs.delete(jobId);
    else entry = { points: new Map(), spans: null, buckets: null, blocks: null, loading: false };
    this.jobs.set(jobId, entry);
    return entry;
  }

  /** Block summaries remembered over all jobs. */
  get blocks(): number {
    let n = 0;
    for (const entry of this.jobs.values()) n += entry.blocks?.lowStep.length ?? 0;
    return n;
  }

  forget(jobId: string): void {
    const entry = this.jobs.get(jobId);
    if (!entry) return;
    this.jobs.delete(jobId);
    this.size -= entry.points.size;
  }

  addPoints(jobId: string, points: readonly MetricPointRow[]): void {
    const entry = this.get(jobId);
    if (entry.points.size + points.length > MAX_CACHED_POINTS_PER_JOB) {
      this.size -= entry.points.size;
      entry.points.clear();
    }
    for (const point of points) entry.points.set(point.step, point);
    this.size += points.length;
    for (const [oldest, old] of this.jobs) {
      if (this.size <= MAX_CACHED_POINTS || oldest === jobId) break;
      this.jobs.delete(oldest);
      this.size -= old.points.size;
    }
  }
}

let cache = new SeriesCache();

/** Forgets what this process remembers of one job's series, or of every series as a restart does (tests and benchmarks). */
export function forgetRememberedSeries(jobId?: string): void {
  if (jobId) cache.forget(jobId);
  else cache = new SeriesCache();
}

export async function downsampledSeries(jobId: string, maxPoints: number): Promise<MetricPointRow[]> {
  const budget = Math.max(2, Math.floor(maxPoints));
  // min and max come from the primary key's ends; the count stops at budget + 1. The spans a chart over blocks
  // looks up come in the same statement: those from the first not known to be stored (or the series' first) to
  // the last, so a running job's request costs one round trip less.
  const spansFrom = cache.get(jobId).spans?.to ?? null;
  const {
    rows: [range],
  } = await pool.query<{ lo: number | null; hi: number | null; n: number; settled: boolean } & SpanLookup>(
    `SELECT r.*, s.* FROM (
       SELECT (SELECT min(step) FROM "MetricPoint" WHERE "jobId" = $1) AS lo,
              (SELECT max(step) FROM "MetricPoint" WHERE "jobId" = $1) AS hi,
              (SELECT count(*)::int FROM (SELECT 1 FROM "MetricPoint" WHERE "jobId" = $1 LIMIT $2) AS t) AS n,
              coalesce((SELECT status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND coalesce("completedAt", "updatedAt") < now() - make_interval(secs => $3)
                        FROM "TrainingJob" WHERE id = $1), false) AS settled
     ) AS r
     CROSS JOIN LATERAL (${SPAN_LOOKUP_SQL(`coalesce($4, ${spanOfStep('r.lo')})`, spanOfStep('r.hi'))}) AS s`,
    [jobId, budget + 1, SETTLED_AFTER_SECONDS, spansFrom],
  );
  if (!range || range.lo === null || range.hi === null) return [];
  if (range.n <= budget) {
    const { rows } = await pool.query<MetricPointRow>(`SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 ORDER BY step`, [jobId]);
    return rows;
  }
  const { lo, hi } = range;
  const firstBlock = Math.floor((lo - 1) / BLOCK);
  const lastBlock = Math.floor((hi - 1) / BLOCK);
  const spans = { from: spansFrom ?? Math.floor(firstBlock / SPAN), found: range };
  // Blocks only when every bucket gets at least one: a shorter series is bucketed point by point.
  const steps =
    lastBlock - firstBlock + 1 >= Math.floor((budget - 2) / 2)
      ? await stepsByBlock(jobId, budget, firstBlock, lastBlock, range.settled, spans, [lo, hi])
      : await stepsByPoint(jobId, budget, lo, hi);
  steps.add(lo).add(hi);
  const rows = await pointsAt(
    jobId,
    [...steps].sort((a, b) => a - b),
  );
  return rows.slice(0, budget - 1).concat(rows.length > budget - 1 ? [rows.at(-1)!] : []);
}

/** The stored spans from one to another (both SQL expressions over $1, the job), and their validation steps. */
interface SpanLookup {
  spans: number[] | null;
  validation: number[] | null;
}
/** The span holding a step (an SQL expression), rounded down as Math.floor rounds. */
const spanOfStep = (step: string) => `floor((${step} - 1) / ${BLOCK * SPAN}.0)::int`;
const SPAN_LOOKUP_SQL = (from: string, to: string) =>
  `SELECT (SELECT array_agg(span ORDER BY span) FROM "MetricSpan" WHERE "jobId" = $1 AND span BETWEEN ${from} AND ${to}) AS spans,
          (SELECT array_agg(v ORDER BY v) FROM "MetricSpan" CROSS JOIN unnest("validationSteps") AS v WHERE "jobId" = $1 AND span BETWEEN ${from} AND ${to}) AS validation`;

/** The stored points at these steps (ascending): remembered ones from memory, the rest in one query. */
async function pointsAt(jobId: string, steps: number[]): Promise<MetricPointRow[]> {
  const known = cache.get(jobId).points;
  const found = steps.map((step) => known.get(step));
  const missing = steps.filter((_, i) => !found[i]);
  const read = new Map<number, MetricPointRow>();
  if (missing.length > 0) {
    const { rows } = await pool.query<MetricPointRow>(`SELECT ${POINT_ROW_COLUMNS} FROM "MetricPoint" WHERE "jobId" = $1 AND step = ANY($2::int[])`, [jobId, missing]);
    for (const row of rows) read.set(row.step, row);
    cache.addPoints(jobId, rows);
  }
  return steps.flatMap((step, i) => found[i] ?? read.get(step) ?? []);
}

const blocksOf = (span: number) => Array.from({ length: SPAN }, (_, i) => span * SPAN + i);

/** Block ranges (inclusive) covering these spans' blocks within first…last, consecutive ones as one range. */
function spanBlockRanges(spans: readonly number[], first: number, last: number): { from: number[]; to: number[] } {
  const from: number[] = [];
  const to: number[] = [];
  for (const s of spans) {
    const lo = Math.max(first, s * SPAN);
    const hi = Math.min(last, s * SPAN + SPAN - 1);
    if (to.length > 0 && to.at(-1) === lo - 1) to[to.length - 1] = hi;
    else {
      from.push(lo);
      to.push(hi);
    }
  }
  return { from, to };
}

/**
 * Buckets of whole blocks, aggregated in PostgreSQL from the summaries: every validation step (spread over a
 * quarter of the budget), then each bucket's lowest and highest training loss.
 */
async function stepsByBlock(
  jobId: string,
  budget: number,
  firstBlock: number,
  lastBlock: number,
  settled: boolean,
  spans: { from: number; found: SpanLookup },
  ends: readonly number[],
): Promise<Set<number>> {
  const { missingSpans, live, validation } = await summaries(jobId, firstBlock, lastBlock, settled, spans);
  const kept = spread(validation, Math.floor(budget / 4));
  const buckets = Math.max(1, Math.floor((budget - 2 - kept.length) / 2));
  const perBucket = Math.ceil((lastBlock - firstBlock + 1) / buckets);
  const bucketOf = (block: number) => Math.floor((block - firstBlock) / perBucket);
  // Buckets wholly before the first span not stored never change: remembered, and not read again.
  const entry = cache.get(jobId);
  const key = `${firstBlock}:${perBucket}`;
  // The first span not stored and those after it (the tail of a running job) may still change.
  const finalBefore = Math.min(missingSpans.length > 0 ? missingSpans[0]! * SPAN : lastBlock + 1, lastBlock + 1);
  if (entry.buckets?.key !== key) {
    // The buckets moved: regrouped from the remembered block summaries where there are some, read otherwise.
    const moved = entry.buckets !== null;
    entry.buckets = { key, final: entry.blocks ? groupBlocks(entry.blocks, firstBlock, perBucket, finalBefore) : [] };
    if (moved) rememberBlocks(jobId, entry, firstBlock, finalBefore);
  }
  const known = entry.buckets.final;
  const fromBlock = firstBlock + known.length * perBucket;
  const steps = new Set<number>(kept);
  for (const bucket of known) if (bucket) steps.add(bucket[0]).add(bucket[1]);
  if (fromBlock > lastBlock) return steps;

  const fromSpan = Math.floor(fromBlock / SPAN);
  const lastSpan = Math.floor(lastBlock / SPAN);
  // A span inside one bucket is read whole; the blocks of one that a bucket's end cuts, or that is not stored, one by one.
  const byBlock = new Set(missingSpans);
  for (let s = fromSpan; s <= lastSpan; s++) {
    if (s * SPAN < fromBlock || s * SPAN + SPAN - 1 > lastBlock || bucketOf(s * SPAN) !== bucketOf(s * SPAN + SPAN - 1)) byBlock.add(s);
  }
  const blocks = spanBlockRanges(
    [...byBlock].sort((a, b) => a - b),
    fromBlock,
    lastBlock,
  );
  const liveJson = JSON.stringify([...live].map(([block, s]) => ({ block, lowLoss: exact(s.low), lowStep: s.lowStep, highLoss: exact(s.high), highStep: s.highStep })));
  // The points already known to be returned (the ends, validation, the buckets that never change) are read while
  // the buckets are aggregated, so only an extreme the last buckets newly hold is read after.
  const [{ rows }] = await Promise.all([
    pool.query<{ bucket: number; low: number; high: number }>(
      `SELECT (block - $4) / $5 AS bucket, (min(ARRAY["lowLoss", "lowStep"]))[2]::int AS low, (max(ARRAY["highLoss", "highStep"]))[2]::int AS high FROM (
         SELECT span * ${SPAN} AS block, "lowLoss", "lowStep", "highLoss", "highStep" FROM "MetricSpan"
         WHERE "jobId" = $1 AND span BETWEEN $2 AND $3 AND span * ${SPAN} >= $9 AND (span * ${SPAN} - $4) / $5 = (span * ${SPAN} + ${SPAN - 1} - $4) / $5
         UNION ALL
         SELECT b.* FROM unnest($6::int[], $7::int[]) AS r(lo, hi)
         -- LATERAL … OFFSET 0: one index range scan per range of blocks, not the job's every block.
         CROSS JOIN LATERAL (SELECT block, "lowLoss", "lowStep", "highLoss", "highStep" FROM "MetricBlock" WHERE "jobId" = $1 AND block BETWEEN r.lo AND r.hi OFFSET 0) AS b
         UNION ALL
         SELECT block, "lowLoss", "lowStep", "highLoss", "highStep" FROM json_to_recordset($8::json) AS l(block int, "lowLoss" float8, "lowStep" int, "highLoss" float8, "highStep" int)
         WHERE block >= $9
       ) AS parts
       GROUP BY 1`,
      [jobId, fromSpan, lastSpan, firstBlock, perBucket, blocks.from, blocks.to, liveJson, fromBlock],
    ),
    pointsAt(jobId, [...steps, ...ends]),
  ]);
  const read = new Map(rows.map((row) => [row.bucket, [row.low, row.high] as const]));
  for (const row of rows) steps.add(row.low).add(row.high);
  for (let b = known.length; firstBlock + (b + 1) * perBucket <= finalBefore; b++) known.push(read.get(b) ?? null);
  return steps;
}

/**
 * The lowest and highest step of each bucket of `perBucket` blocks from `firstBlock` that ends before `before` and
 * within the remembered blocks, as the bucket statement aggregates them: the lowest loss (the lower step on a tie),
 * the highest loss (the higher step on a tie). Stops at the first bucket it cannot make whole.
 */
function groupBlocks(blocks: StoredBlocks, firstBlock: number, perBucket: number, before: number): (readonly [number, number] | null)[] {
  const final: (readonly [number, number] | null)[] = [];
  if (blocks.from > firstBlock) return final;
  const end = Math.min(before, blocks.from + blocks.lowStep.length);
  for (let lo = firstBlock; lo + perBucket <= end; lo += perBucket) {
    let low = lo - blocks.from;
    let high = low;
    for (let i = low + 1; i < lo + perBucket - blocks.from; i++) {
      const byLow = compareLoss(blocks.lowLoss[i]!, blocks.lowLoss[low]!) || blocks.lowStep[i]! - blocks.lowStep[low]!;
      if (byLow < 0) low = i;
      const byHigh = compareLoss(blocks.highLoss[i]!, blocks.highLoss[high]!) || blocks.highStep[i]! - blocks.highStep[high]!;
      if (byHigh > 0) high = i;
    }
    final.push([blocks.lowStep[low]!, blocks.highStep[high]!]);
  }
  return final;
}

/** Losses ordered as PostgreSQL orders float8: NaN above everything, equal to itself. */
function compareLoss(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : 1;
}

/**
 * Reads, in the background, the stored summaries of blocks first…before-1 not remembered yet (all stored: their spans
 * are), within MAX_REMEMBERED_BLOCKS over all jobs. A failed read is only a missed shortcut.
 */
function rememberBlocks(jobId: string, entry: JobEntry, first: number, before: number): void {
  const have = entry.blocks && entry.blocks.from <= first ? entry.blocks : null;
  const from = have ? have.from + have.lowStep.length : first;
  if (entry.loading || from >= before || cache.blocks + (before - from) > MAX_REMEMBERED_BLOCKS) return;
  entry.loading = true;
  const was = entry.blocks;
  // Packed big-endian binary (float8send, int4send): 78,000 blocks decode in milliseconds, where arrays of numbers
  // as text held the event loop for hundreds.
  pool
    .query<{ n: number; low: Buffer | null; lowStep: Buffer | null; high: Buffer | null; highStep: Buffer | null }>(
      `SELECT count(*)::int AS n,
              string_agg(float8send("lowLoss"), ''::bytea ORDER BY block) AS low, string_agg(int4send("lowStep"), ''::bytea ORDER BY block) AS "lowStep",
              string_agg(float8send("highLoss"), ''::bytea ORDER BY block) AS high, string_agg(int4send("highStep"), ''::bytea ORDER BY block) AS "highStep"
       FROM "MetricBlock" WHERE "jobId" = $1 AND block BETWEEN $2 AND $3`,
      [jobId, from, before - 1],
    )
    .then(({ rows: [read] }) => {
      // Only a whole run of blocks, joined to the one remembered.
      if (!read || read.n !== before - from || entry.blocks !== was) return;
      const old = have?.lowStep.length ?? 0;
      const n = old + read.n;
      const blocks: StoredBlocks = {
        from: have?.from ?? from,
        lowLoss: new Float64Array(n),
        lowStep: new Int32Array(n),
        highLoss: new Float64Array(n),
        highStep: new Int32Array(n),
      };
      if (have) {
        blocks.lowLoss.set(have.lowLoss);
        blocks.lowStep.set(have.lowStep);
        blocks.highLoss.set(have.highLoss);
        blocks.highStep.set(have.highStep);
      }
      for (let i = 0; i < read.n; i++) {
        blocks.lowLoss[old + i] = read.low!.readDoubleBE(i * 8);
        blocks.lowStep[old + i] = read.lowStep!.readInt32BE(i * 4);
        blocks.highLoss[old + i] = read.high!.readDoubleBE(i * 8);
        blocks.highStep[old + i] = read.highStep!.readInt32BE(i * 4);
      }
      entry.blocks = blocks;
    })
    .catch(() => {})
    .finally(() => {
      entry.loading = false;
    });
}

/**
 * What the buckets need before they are made, storing what can be stored. The spans of first…last not known to
 * be stored are looked up; in those not stored, the blocks without a summary are summarised from the points (one
 * query over their step ranges), the final ones stored, then the spans they complete. Returns the spans still not
 * stored, the summaries of the blocks still filling, and every validation step (ascending).
 */
async function summaries(
  jobId: string,
  firstBlock: number,
  lastBlock: number,
  settled: boolean,
  prefetched: { from: number; found: SpanLookup },
): Promise<{ missingSpans: number[]; live: Map<number, BlockSummary>; validation: number[] }> {
  const entry = cache.get(jobId);
  const firstSpan = Math.floor(firstBlock / SPAN);
  const lastSpan = Math.floor(lastBlock / SPAN);
  if (!entry.spans || entry.spans.from > firstSpan) entry.spans = { from: firstSpan, to: firstSpan, validation: [] };
  const known = entry.spans;
  const from = Math.max(firstSpan, known.to);
  // Read with the range unless what is remembered changed in between (a late point before the first forgets it).
  const spanRows = prefetched.from === from ? prefetched.found : (await pool.query<SpanLookup>(SPAN_LOOKUP_SQL('$2::int', '$3::int'), [jobId, from, lastSpan])).rows[0];
  const storedSpans = new Set(spanRows?.spans ?? []);
  let missingSpans: number[] = [];
  for (let s = from; s <= lastSpan; s++) if (!storedSpans.has(s)) missingSpans.push(s);
  const validation = [...known.validation, ...(spanRows?.validation ?? [])];

  // The blocks of spans not stored: their stored summaries' validation steps, and the ones without a summary
  // summarised from their points, in one statement.
  const live = new Map<number, BlockSummary>();
  const unsummarised = new Set<number>();
  let rows: { block: number; n: number | null; low: number[] | null; high: number[] | null; validation: number[] | null }[] = [];
  if (missingSpans.length > 0) {
    const ranges = spanBlockRanges(missingSpans, firstBlock, lastBlock);
    ({ rows } = await pool.query(
      `WITH stored AS (
         SELECT b.block, b."validationSteps" FROM unnest($2::int[], $3::int[]) AS r(lo, hi)
         CROSS JOIN LATERAL (SELECT block, "validationSteps" FROM "MetricBlock" WHERE "jobId" = $1 AND block BETWEEN r.lo AND r.hi OFFSET 0) AS b
       )
       SELECT block, NULL::int AS n, NULL::float8[] AS low, NULL::float8[] AS high, "validationSteps" AS validation FROM stored
       UNION ALL
       SELECT (m.step - 1) / ${BLOCK}, count(*)::int,
              min(ARRAY[coalesce(m."trainingLoss", 'Infinity'), m.step]),
              max(ARRAY[coalesce(m."trainingLoss", '-Infinity'), m.step]),
              array_agg(m.step) FILTER (WHERE m."validationLoss" IS NOT NULL)
       FROM unnest($2::int[], $3::int[]) AS r(lo, hi)
       -- LATERAL … OFFSET 0: one index range scan per range of blocks, from its first block without a summary (a
       -- running job's filling one). Flattened into a plain join, the planner scanned the job's whole series
       -- (seconds at millions of points) to find the few rows of a block still filling.
       CROSS JOIN LATERAL (
         SELECT p.step, p."trainingLoss", p."validationLoss" FROM "MetricPoint" p
         WHERE p."jobId" = $1 AND p.step BETWEEN (SELECT min(g) FROM generate_series(r.lo, r.hi) AS g WHERE g NOT IN (SELECT block FROM stored)) * ${BLOCK} + 1
                                             AND r.hi * ${BLOCK} + ${BLOCK}
         OFFSET 0
       ) AS m
       WHERE (m.step - 1) / ${BLOCK} NOT IN (SELECT block FROM stored)
       GROUP BY 1`,
      [jobId, ranges.from, ranges.to],
    ));
    const stored = new Set<number>();
    for (const row of rows) {
      if (row.n !== null) continue;
      stored.add(row.block);
      validation.push(...(row.validation ?? []));
    }
    ranges.from.forEach((lo, i) => {
      for (let b = lo; b <= ranges.to[i]!; b++) if (!stored.has(b)) unsummarised.add(b);
    });
  }
  if (unsummarised.size > 0) {
    const final: { block: number; summary: BlockSummary }[] = [];
    for (const row of rows) {
      if (row.n === null || !row.low || !row.high) continue;
      const summary: BlockSummary = {
        low: row.low[0]!,
        lowStep: row.low[1]!,
        high: row.high[0]!,
        highStep: row.high[1]!,
        validation: row.validation?.sort((a, b) => a - b) ?? NONE,
      };
      validation.push(...summary.validation);
      // A block holding all its steps, or of a job that ended a while ago, never changes again.
      if (row.n === BLOCK || settled) {
        final.push({ block: row.block, summary });
        unsummarised.delete(row.block);
      } else live.set(row.block, summary);
    }
    if (final.length > 0) await storeBlocks(jobId, final);
  }
  // A span is summarised once all its blocks are (so not the one still filling).
  const complete = missingSpans.filter((s) => s * SPAN >= firstBlock && s * SPAN + SPAN - 1 <= lastBlock && !blocksOf(s).some((b) => unsummarised.has(b)));
  if (complete.length > 0) {
    const written = new Set(await summariseStoredSpans(jobId, complete));
    missingSpans = missingSpans.filter((s) => !written.has(s));
  }
  // Remembered: the spans up to the first one still missing, all stored, and their validation steps.
  const to = missingSpans[0] ?? lastSpan + 1;
  const all = [...new Set(validation)].sort((a, b) => a - b);
  if (to > known.to) {
    known.validation = all.filter((step) => step <= to * SPAN * BLOCK);
    known.to = to;
  }
  return { missingSpans, live, validation: all };
}

/** A float for JSON that PostgreSQL reads back as itself: ±Infinity (a block without a training loss) as text. */
const exact = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

/**
 * Stores final block summaries (a block stored once stays as it is). Without waiting for the disk
 * (NO_FLUSH_WAIT): a summary lost in a crash is made again from the points on the next read.
 */
async function storeBlocks(jobId: string, blocks: readonly { block: number; summary: BlockSummary }[]): Promise<void> {
  await pool.query(
    `INSERT INTO "MetricBlock" ("jobId", block, "lowLoss", "lowStep", "highLoss", "highStep", "validationSteps")
     SELECT $1::uuid, b.block, b."lowLoss", b."lowStep", b."highLoss", b."highStep", coalesce(b."validationSteps", '{}')
     FROM json_to_recordset($2::json) AS b(block int, "lowLoss" float8, "lowStep" int, "highLoss" float8, "highStep" int, "validationSteps" int[]), ${NO_FLUSH_WAIT}
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
