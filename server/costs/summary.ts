// Cost analytics for one owner: totals, a series by day/week/month, breakdowns
// by cost type and GPU type, the most expensive jobs, and this month against
// last. PostgreSQL sums the numeric amounts (exact) by period × type × job;
// every figure is then added up from that one small set in whole micro-dollars
// (bigint, exact), so the total equals the sum of the series and of each
// breakdown to the micro-dollar. Whole days are read from the CostDaily
// rollup, so the cost of a query grows with the days and jobs in the range,
// not with the number of records.
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

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The rollup aggregate: whole UTC days from CostDaily (a few rows a day, kept by a trigger), summed by period ×
 * type × job. Records belong to the period their periodStart falls in (UTC); the period comes back as epoch
 * seconds. $1 owner, $2 first whole day, $3 end of the last whole day, $4 unit (day, week, month).
 */
export const ROLLUP_SQL = `
  SELECT extract(epoch FROM date_trunc($4, day, 'UTC'))::bigint AS period, type, nullif("jobKey", '${NIL_UUID}'::uuid) AS job, sum(amount)::text AS total
  FROM "CostDaily"
  WHERE "ownerId" = $1::uuid AND day >= $2 AND day < $3
  GROUP BY 1, 2, 3`;

/**
 * The partial days at either end of a range that does not start or end at midnight, from the records
 * themselves: [$5, $6) and [$7, $8), never overlapping each other or the whole days. Two index ranges, not one
 * range with a filter: a generic plan cannot tell how much of [from, to) such a filter drops, and would read
 * every record of the range.
 */
const EDGES_SQL = `
  SELECT extract(epoch FROM date_trunc($4, "periodStart", 'UTC'))::bigint, type, "jobId", sum(amount)::text
  FROM "CostRecord"
  WHERE "ownerId" = $1::uuid AND (("periodStart" >= $5 AND "periodStart" < $6) OR ("periodStart" >= $7 AND "periodStart" < $8))
  GROUP BY 1, 2, 3`;

/** Each summed row with its job's GPU type (the job's primary key, one lookup per job in the range). */
const withGpu = (rows: string) => `
  SELECT r.period, r.type, r.job, j."gpuType" AS gpu, r.total
  FROM (${rows}) r LEFT JOIN "TrainingJob" j ON j.id = r.job`;

/**
 * Both are prepared (named): their generic plans, once PostgreSQL keeps one, read the owner's days through the
 * primary key and each job through its own, whatever the range, so there is no plan to fall off. A range of
 * whole days (the usual one) never touches the records.
 */
export const SUMMARY_DAYS_SQL = withGpu(ROLLUP_SQL);
export const SUMMARY_EDGES_SQL = withGpu(`${ROLLUP_SQL} UNION ALL ${EDGES_SQL}`);
const SUMMARY_WHOLE_DAYS = { name: 'cost-summary-days', text: SUMMARY_DAYS_SQL };
const SUMMARY_WITH_EDGES = { name: 'cost-summary-days-edges', text: SUMMARY_EDGES_SQL };

interface SummaryRow {
  /** Epoch seconds. */
  period: string;
  type: CostType;
  job: string | null;
  gpu: string | null;
  total: string;
}

function add<K>(sums: Map<K, bigint>, key: K, amount: bigint): void {
  sums.set(key, (sums.get(key) ?? 0n) + amount);
}

/** Micro-dollars as the API gives them: six decimals, sign first. */
function formatMicros(value: bigint): string {
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

/** Descending by amount, then ascending by key (null last): the order the breakdowns are listed in. */
function byAmount<K extends string | null>(sums: Map<K, bigint>): [K, bigint][] {
  return [...sums].sort(([ka, a], [kb, b]) => (a !== b ? (a > b ? -1 : 1) : ka === kb ? 0 : ka === null ? 1 : kb === null ? -1 : ka < kb ? -1 : 1));
}

/**
 * This month, last month, and last month up to the same point: whole days
 * from CostDaily, the one partial day from the records.
 * $1 owner, $2 last month's start, $3 this month's, $4 next month's, $5 the same point last month, $6 the start of its day.
 */
export const MONTHS_SQL = `
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
  const [firstDay, endDay] = [ceilDay(input.from), floorDay(input.to)];
  const edges = input.from < firstDay || endDay < input.to;
  // Within one day, the first part is all of it and the last is empty.
  const headEnd = new Date(Math.min(firstDay.getTime(), input.to.getTime()));
  const tailStart = new Date(Math.max(endDay.getTime(), headEnd.getTime()));
  const values = [ownerId, firstDay, endDay, UNIT[input.groupBy], ...(edges ? [input.from, headEnd, tailStart, input.to] : [])];
  const [{ rows }, months] = await Promise.all([pool.query<SummaryRow>({ ...(edges ? SUMMARY_WITH_EDGES : SUMMARY_WHOLE_DAYS), values }), compareMonths(ownerId, now)]);

  let total = 0n;
  const periods = new Map<number, Map<CostType, bigint>>();
  const types = new Map<CostType, bigint>();
  const gpus = new Map<string | null, bigint>();
  const jobs = new Map<string, bigint>();
  for (const row of rows) {
    const amount = micros(row.total);
    total += amount;
    const period = Number(row.period) * 1000;
    const ofPeriod = periods.get(period) ?? new Map<CostType, bigint>();
    periods.set(period, ofPeriod);
    add(ofPeriod, row.type, amount);
    add(types, row.type, amount);
    add(gpus, row.type === 'TRAINING_COMPUTE' ? row.gpu : null, amount);
    if (row.job !== null) add(jobs, row.job, amount);
  }

  const typed = (sums: Map<CostType, bigint> | undefined): TypeAmount[] => COST_TYPES.map((type) => ({ type, total: formatMicros(sums?.get(type) ?? 0n) }));
  const series = periodsBetween(input.from, input.to, input.groupBy).map((start) => {
    const ofPeriod = periods.get(start.getTime());
    const periodTotal = ofPeriod ? [...ofPeriod.values()].reduce((a, b) => a + b, 0n) : 0n;
    return { periodStart: start, periodEnd: nextPeriod(start, input.groupBy), total: formatMicros(periodTotal), byType: typed(ofPeriod) };
  });
  return {
    from: input.from,
    to: input.to,
    groupBy: input.groupBy,
    total: formatMicros(total),
    series,
    byType: typed(types),
    byGpuType: byAmount(gpus).map(([gpuType, sum]) => ({ gpuType, total: formatMicros(sum) })),
    topJobs: byAmount(jobs)
      .slice(0, topJobs)
      .map(([jobId, sum]) => ({ jobId, total: formatMicros(sum) })),
    months,
  };
}

/** Adds exact decimal strings; for tests and checks that totals add up. */
export function sumAmounts(amounts: readonly string[]): string {
  return formatMicros(amounts.reduce((acc, a) => acc + micros(a), 0n));
}
