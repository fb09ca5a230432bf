// Cost analytics for one owner: totals, a series by day/week/month, breakdowns
// by cost type and GPU type, the most expensive jobs, and this month against
// last. Sums are PostgreSQL numeric aggregates (exact), read as decimal
// strings; every breakdown is rolled up from one grouped set, so the total
// equals the sum of the series and of each breakdown to the micro-dollar.
// Whole days are read from the CostDaily rollup, so the cost of a query grows
// with the days and jobs in the range, not with the number of records.
import { pool } from '../db/client.js';
import { CostType } from '../db/generated/prisma/enums.js';
import { InvalidInputError } from '../errors.js';

export type CostGroupBy = 'DAY' | 'WEEK' | 'MONTH';

/** More periods than this in one series is refused (e.g. DAY over more than ~2.7 years). */
export const MAX_PERIODS = 1000;
export const DEFAULT_TOP_JOBS = 5;
export const MAX_TOP_JOBS = 50;

export interface CostSummaryInput {
  from: Date;
  to: Date;
  groupBy: CostGroupBy;
  topJobs?: number | null;
}

export interface TypeAmount {
  type: CostType;
  total: string;
}

export interface CostPeriod {
  periodStart: Date;
  periodEnd: Date;
  total: string;
  byType: TypeAmount[];
}

export interface MonthComparison {
  thisMonthStart: Date;
  /** Month to date. */
  thisMonth: string;
  /** The whole previous calendar month. */
  lastMonth: string;
  /** The previous month up to the same point in it as now is in this one. */
  lastMonthToDate: string;
  /** (thisMonth − lastMonthToDate) ÷ lastMonthToDate × 100; null when last month had nothing by then. */
  changePercent: number | null;
}

export interface CostSummary {
  from: Date;
  to: Date;
  groupBy: CostGroupBy;
  total: string;
  series: CostPeriod[];
  byType: TypeAmount[];
  byGpuType: { gpuType: string | null; total: string }[];
  topJobs: { jobId: string; total: string }[];
  months: MonthComparison;
}

const ZERO = '0.000000';
const COST_TYPES = Object.values(CostType) as CostType[];
const UNIT: Record<CostGroupBy, 'day' | 'week' | 'month'> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

/** The UTC start of the period (day, ISO week from Monday, or month) containing `at`. */
export function periodStartOf(at: Date, groupBy: CostGroupBy): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (groupBy === 'DAY') return new Date(day);
  if (groupBy === 'MONTH') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000);
}

export function nextPeriod(start: Date, groupBy: CostGroupBy): Date {
  if (groupBy === 'DAY') return new Date(start.getTime() + 86_400_000);
  if (groupBy === 'WEEK') return new Date(start.getTime() + 7 * 86_400_000);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** Every period overlapping [from, to), oldest first. */
export function periodsBetween(from: Date, to: Date, groupBy: CostGroupBy): Date[] {
  const starts: Date[] = [];
  for (let p = periodStartOf(from, groupBy); p < to; p = nextPeriod(p, groupBy)) {
    starts.push(p);
    if (starts.length > MAX_PERIODS) break;
  }
  return starts;
}

/** Exact decimal strings to micro-dollars and back (signed: a settling record may be negative). */
function micros(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(amount);
  if (!match) throw new Error(`not a decimal amount with at most 6 places: ${amount}`);
  const value = BigInt(match[2]!) * 1_000_000n + BigInt((match[3] ?? '').padEnd(6, '0'));
  return match[1] ? -value : value;
}

function checkInput(input: CostSummaryInput): number {
  const problems = [];
  if (!(input.from < input.to)) problems.push({ path: ['to'], message: 'must be after from' });
  else if (periodsBetween(input.from, input.to, input.groupBy).length > MAX_PERIODS) {
    problems.push({ path: ['groupBy'], message: `more than ${MAX_PERIODS} periods: use a shorter range or a longer period` });
  }
  const top = input.topJobs ?? DEFAULT_TOP_JOBS;
  if (!Number.isInteger(top) || top < 0 || top > MAX_TOP_JOBS) problems.push({ path: ['topJobs'], message: `must be 0..${MAX_TOP_JOBS}` });
  if (problems.length) throw new InvalidInputError(problems);
  return top;
}

interface SummaryRow {
  total: string;
  series: { period: number; total: string; by_type: Record<string, string> }[] | null;
  by_type: Record<string, string> | null;
  by_gpu: { gpu_type: string | null; total: string }[] | null;
  top_jobs: { job_id: string; total: string }[] | null;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The rollup. Whole UTC days come from CostDaily (a few rows a day, kept by
 * a trigger); the partial days at either end of a range that does not start
 * or end at midnight come from the records themselves. The two never
 * overlap. Grouped once by period × type × job, then every figure from that
 * small set. Records belong to the period their periodStart falls in (UTC).
 * $1 owner, $2 from, $3 to, $4 first whole day, $5 end of the last whole day, $6 unit, $7 top jobs.
 */
const SUMMARY_SQL = `
  WITH parts AS (
    SELECT date_trunc($6, "periodStart" AT TIME ZONE 'UTC') AS period, type, "jobId", sum(amount) AS total
    FROM "CostRecord"
    WHERE "ownerId" = $1::uuid AND "periodStart" >= $2 AND "periodStart" < $3 AND ("periodStart" < $4 OR "periodStart" >= $5)
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT date_trunc($6, day AT TIME ZONE 'UTC'), type, nullif("jobKey", '${NIL_UUID}'::uuid), sum(amount)
    FROM "CostDaily"
    WHERE "ownerId" = $1::uuid AND day >= $4 AND day < $5
    GROUP BY 1, 2, 3
  ), grouped AS MATERIALIZED (
    SELECT period, type, "jobId", sum(total) AS total FROM parts GROUP BY 1, 2, 3
  ), per_type AS (
    SELECT period, type, sum(total) AS total FROM grouped GROUP BY 1, 2
  )
  SELECT
    (SELECT round(coalesce(sum(total), 0), 6)::text FROM grouped) AS total,
    (SELECT json_agg(json_build_object('period', extract(epoch FROM period)::bigint, 'total', round(total, 6)::text, 'by_type', by_type) ORDER BY period)
       FROM (SELECT period, sum(total) AS total, json_object_agg(type, round(total, 6)::text) AS by_type FROM per_type GROUP BY period) p) AS series,
    (SELECT json_object_agg(type, round(total, 6)::text) FROM (SELECT type, sum(total) AS total FROM per_type GROUP BY type) t) AS by_type,
    (SELECT json_agg(json_build_object('gpu_type', gpu_type, 'total', round(total, 6)::text) ORDER BY total DESC, gpu_type NULLS LAST)
       FROM (SELECT j."gpuType" AS gpu_type, sum(g.total) AS total
             FROM grouped g LEFT JOIN "TrainingJob" j ON g.type = 'TRAINING_COMPUTE' AND j.id = g."jobId"
             GROUP BY 1) x) AS by_gpu,
    (SELECT json_agg(json_build_object('job_id', "jobId", 'total', round(total, 6)::text) ORDER BY total DESC, "jobId")
       FROM (SELECT "jobId", sum(total) AS total FROM grouped WHERE "jobId" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $7) tj) AS top_jobs`;

/**
 * This month, last month, and last month up to the same point: whole days
 * from CostDaily, the one partial day from the records.
 * $1 owner, $2 last month's start, $3 this month's, $4 next month's, $5 the same point last month, $6 the start of its day.
 */
const MONTHS_SQL = `
  WITH daily AS (
    SELECT day, sum(amount) AS amount FROM "CostDaily"
    WHERE "ownerId" = $1::uuid AND day >= $2 AND day < $4
    GROUP BY day
  )
  SELECT round(coalesce((SELECT sum(amount) FROM daily WHERE day >= $3), 0), 6)::text AS this_month,
         round(coalesce((SELECT sum(amount) FROM daily WHERE day < $3), 0), 6)::text AS last_month,
         round(coalesce((SELECT sum(amount) FROM daily WHERE day < $6), 0)
             + coalesce((SELECT sum(amount) FROM "CostRecord" WHERE "ownerId" = $1::uuid AND "periodStart" >= $6 AND "periodStart" < $5), 0), 6)::text AS last_month_to_date`;

const DAY_MS = 86_400_000;

function floorDay(at: Date): Date {
  return periodStartOf(at, 'DAY');
}

function ceilDay(at: Date): Date {
  const floor = floorDay(at);
  return floor.getTime() === at.getTime() ? floor : new Date(floor.getTime() + DAY_MS);
}

async function compareMonths(ownerId: string, now: Date): Promise<MonthComparison> {
  const thisStart = periodStartOf(now, 'MONTH');
  const lastStart = new Date(Date.UTC(thisStart.getUTCFullYear(), thisStart.getUTCMonth() - 1, 1));
  const nextStart = nextPeriod(thisStart, 'MONTH');
  // The same point of last month, clipped to its end (31 March → 28/29 February).
  const sameOffset = new Date(Math.min(lastStart.getTime() + (now.getTime() - thisStart.getTime()), thisStart.getTime()));
  const { rows } = await pool.query<{ this_month: string; last_month: string; last_month_to_date: string }>({
    name: 'cost-summary-months',
    text: MONTHS_SQL,
    values: [ownerId, lastStart, thisStart, nextStart, sameOffset, floorDay(sameOffset)],
  });
  const row = rows[0]!;
  const before = micros(row.last_month_to_date);
  const change = before === 0n ? null : (Number(micros(row.this_month) - before) / Number(before)) * 100;
  return {
    thisMonthStart: thisStart,
    thisMonth: row.this_month,
    lastMonth: row.last_month,
    lastMonthToDate: row.last_month_to_date,
    changePercent: change === null ? null : Math.round(change * 100) / 100,
  };
}

export async function costSummary(ownerId: string, input: CostSummaryInput, now = new Date()): Promise<CostSummary> {
  const topJobs = checkInput(input);
  const [{ rows }, months] = await Promise.all([
    // Not a named (prepared) statement: after five runs PostgreSQL may keep a generic plan, which cannot see how
    // few rows the partial days at the ends hold and, once the rollup has statistics, runs 4-5 times slower. An
    // unnamed statement is planned for its values every time (planning costs well under a millisecond).
    pool.query<SummaryRow>({ text: SUMMARY_SQL, values: [ownerId, input.from, input.to, ceilDay(input.from), floorDay(input.to), UNIT[input.groupBy], topJobs] }),
    compareMonths(ownerId, now),
  ]);
  const row = rows[0]!;
  const byPeriod = new Map((row.series ?? []).map((p) => [Number(p.period) * 1000, p]));
  const typed = (amounts: Record<string, string> | null | undefined): TypeAmount[] => COST_TYPES.map((type) => ({ type, total: amounts?.[type] ?? ZERO }));
  const series = periodsBetween(input.from, input.to, input.groupBy).map((start) => {
    const found = byPeriod.get(start.getTime());
    return { periodStart: start, periodEnd: nextPeriod(start, input.groupBy), total: found?.total ?? ZERO, byType: typed(found?.by_type) };
  });
  return {
    from: input.from,
    to: input.to,
    groupBy: input.groupBy,
    total: row.total,
    series,
    byType: typed(row.by_type),
    byGpuType: (row.by_gpu ?? []).map((g) => ({ gpuType: g.gpu_type, total: g.total })),
    topJobs: (row.top_jobs ?? []).map((j) => ({ jobId: j.job_id, total: j.total })),
    months,
  };
}

/** Adds exact decimal strings; for tests and checks that totals add up. */
export function sumAmounts(amounts: readonly string[]): string {
  const total = amounts.reduce((acc, a) => acc + micros(a), 0n);
  const negative = total < 0n;
  const abs = negative ? -total : total;
  return `${negative ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}
