// Monthly budgets: one per user, counted over the calendar months of the
// user's time zone (UTC unless they chose another). Every budget rule is here:
// what the month has cost (the exact cost records plus what running jobs have
// accrued since their last record), the alerts at 50, 80 and 100 % (each once
// a month), and refusing a job that would cross the budget. Applying it to
// running jobs (the hard stop) is training's: training/spending-limits.ts.
import { db, pool } from '../db/client.js';
import type { Budget, TrainingJob } from '../db/generated/prisma/client.js';
import { InvalidInputError, type FieldProblem } from '../errors.js';
import type { GpuType } from '../gpu/provider.js';
import { formatUsd } from '../notifications/format.js';
import { createNotification, publishNotification } from '../notifications/notify.js';
import { recordEvent } from '../outbound-webhooks/record-event.js';
import type { Services } from '../services/services.js';
import { gpuSecondsMicros, microsToUsd, usdToMicros } from './money.js';
import { ACTIVE_JOB_STATUSES } from '../db/training-status.js';
import { jobCostMicros, jobHourlyRate } from './compute-cost.js';

/** Percentages of the budget at which the owner is told, once each per month. */
export const BUDGET_THRESHOLDS = [50, 80, 100] as const;
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];
/** The largest budget accepted, USD a month (the column holds eight integer digits). */
export const MAX_BUDGET_USD = '10000000';
export const DEFAULT_TIME_ZONE = 'UTC';

export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  constructor(
    readonly month: string,
    readonly budgetUsd: string,
    readonly spentUsd: string,
    readonly committedUsd: string,
    readonly remainingUsd: string,
    readonly jobCostUsd: string,
  ) {
    const left = remainingUsd.startsWith('-') || /^0\.0+$/.test(remainingUsd) ? 'nothing is left' : `only ${remainingUsd} USD is left`;
    super(
      `This job could cost ${jobCostUsd} USD, and ${left} of your ${budgetUsd} USD budget for ${month} ` +
        `(${spentUsd} USD spent, ${committedUsd} USD more expected from active jobs). Raise the budget, turn its hard stop off, or choose a cheaper run.`,
    );
  }
}

type ActiveJob = Pick<
  TrainingJob,
  'id' | 'ownerId' | 'name' | 'status' | 'gpuType' | 'gpuCount' | 'startedAt' | 'gpuHourlyRateUsd' | 'currentCost' | 'estimatedCost' | 'maxCost' | 'cancelRequestedAt'
>;

export interface BudgetStatus {
  budget: Budget;
  /** "2026-12": the month in the budget's time zone. */
  month: string;
  monthStart: Date;
  /** Exclusive. */
  monthEnd: Date;
  amountMicros: bigint;
  /** Cost records of the month, plus what running jobs have accrued since their last record. */
  spentMicros: bigint;
  /** What the active jobs are still expected to cost: each one's estimate (or its cost cap, if lower) less its cost so far. */
  committedMicros: bigint;
  /** What the running jobs cost per second together. */
  burnMicrosPerSecond: bigint;
  activeJobs: ActiveJob[];
}

/** The most a job may cost: its estimate, or its cost cap when that is lower. */
export function jobBudgetCostMicros(estimatedCostUsd: string, maxCostUsd: string | null | undefined): bigint {
  const estimate = usdToMicros(estimatedCostUsd);
  if (maxCostUsd == null) return estimate;
  const cap = usdToMicros(maxCostUsd);
  // biome-ignore lint/complexity/useMathMinMax: bigint micro-dollars; Math.min takes numbers only
  return cap < estimate ? cap : estimate;
}

/** What is left of the month's budget once the spend and the active jobs' expected cost are counted (negative when over). */
export function remainingMicros(status: BudgetStatus): bigint {
  return status.amountMicros - status.spentMicros - status.committedMicros;
}

// The month containing $2 in the budget's time zone, and the month's cost records summed in micro-dollars.
const MONTH_SQL = `
  WITH b AS (
    SELECT "timeZone" AS tz, date_trunc('month', $2::timestamptz AT TIME ZONE "timeZone") AS local_start
    FROM "Budget" WHERE "ownerId" = $1::uuid
  ), bounds AS (
    SELECT to_char(local_start, 'YYYY-MM') AS month, local_start AT TIME ZONE tz AS month_start,
           (local_start + interval '1 month') AT TIME ZONE tz AS month_end
    FROM b
  )
  SELECT month, month_start, month_end,
         (SELECT coalesce(sum(amount), 0) * 1000000 FROM "CostRecord"
          WHERE "ownerId" = $1::uuid AND "periodStart" >= month_start AND "periodStart" < month_end)::bigint::text AS recorded_micros
  FROM bounds`;

/** The owner's budget and where the month stands at `now`; null without a budget. */
export async function budgetStatus(ownerId: string, now = new Date()): Promise<BudgetStatus | null> {
  const budget = await db.budget.findUnique({ where: { ownerId } });
  if (!budget) return null;
  const [{ rows }, activeJobs] = await Promise.all([
    pool.query<{ month: string; month_start: Date; month_end: Date; recorded_micros: string }>({ name: 'budget-month', text: MONTH_SQL, values: [ownerId, now] }),
    db.trainingJob.findMany({
      where: { ownerId, status: { in: [...ACTIVE_JOB_STATUSES] } },
      select: {
        id: true,
        ownerId: true,
        name: true,
        status: true,
        gpuType: true,
        gpuCount: true,
        startedAt: true,
        gpuHourlyRateUsd: true,
        currentCost: true,
        estimatedCost: true,
        maxCost: true,
        cancelRequestedAt: true,
      },
    }),
  ]);
  const row = rows[0]!;
  let spent = BigInt(row.recorded_micros);
  let committed = 0n;
  let burn = 0n;
  for (const job of activeJobs) {
    const recorded = usdToMicros(job.currentCost.toFixed(6));
    const soFar = jobCostMicros(job, now);
    // Accrued since the job's last cost record: it is spent now, so it counts in this month.
    if (soFar > recorded) spent += soFar - recorded;
    const most = jobBudgetCostMicros(job.estimatedCost.toFixed(6), job.maxCost?.toFixed(6));
    // biome-ignore lint/complexity/useMathMinMax: bigint micro-dollars; Math.max takes numbers only
    const cost = soFar > recorded ? soFar : recorded;
    if (most > cost) committed += most - cost;
    if (job.startedAt) burn += gpuSecondsMicros(job.gpuType as GpuType, job.gpuCount, 1, jobHourlyRate(job));
  }
  return {
    budget,
    month: row.month,
    monthStart: row.month_start,
    monthEnd: row.month_end,
    amountMicros: usdToMicros(budget.amount.toFixed(6)),
    spentMicros: spent,
    committedMicros: committed,
    burnMicrosPerSecond: burn,
    activeJobs,
  };
}

export function thresholdMicros(status: BudgetStatus, percent: BudgetThreshold): bigint {
  return (status.amountMicros * BigInt(percent)) / 100n;
}

/** The dedupe key of a threshold's alert: one per owner, month and threshold, however many processes see it crossed. */
export function budgetAlertKey(month: string, percent: BudgetThreshold): string {
  return `budget:${month}:${percent}`;
}

/**
 * Tells the owner that the month's spend crossed a threshold, once per month: the notification's dedupe key makes
 * every later or concurrent call a no-op. The one place a budget alert goes out (an outgoing webhook event belongs
 * here too). Returns whether this call sent it.
 */
export async function sendBudgetAlert(services: Pick<Services, 'pubsub' | 'jobs'>, status: BudgetStatus, percent: BudgetThreshold): Promise<boolean> {
  const spent = microsToUsd(status.spentMicros);
  const amount = microsToUsd(status.amountMicros);
  const stopping = percent === 100 && status.budget.hardStop ? ' Its hard stop is on: running jobs are being stopped and new ones refused.' : '';
  const { ownerId } = status.budget;
  // The notification and the outgoing event commit together; the dedupe key makes a second call send neither.
  const id = await db.$transaction(async (tx) => {
    const created = await createNotification(
      {
        ownerId,
        type: 'BUDGET_THRESHOLD',
        title: percent === 100 ? `Monthly budget reached (${status.month})` : `${percent} % of the monthly budget spent (${status.month})`,
        message: `You have spent ${formatUsd(spent)} of your ${formatUsd(amount)} budget for ${status.month}.${stopping}`,
        priority: percent === 100 ? 'HIGH' : 'NORMAL',
        link: '/costs',
        metadata: { month: status.month, percent, spentUsd: spent, budgetUsd: amount },
        dedupeKey: budgetAlertKey(status.month, percent),
      },
      tx,
    );
    if (created !== null) {
      await recordEvent(tx, services, ownerId, 'budget.threshold_reached', {
        month: status.month,
        percent,
        spentUsd: spent,
        budgetUsd: amount,
        hardStop: status.budget.hardStop,
        timeZone: status.budget.timeZone,
      });
    }
    return created;
  });
  if (id !== null) publishNotification(services, ownerId, id);
  return id !== null;
}

/** Refuses, with the hard stop on, a job that could cost more than is left of the month's budget. */
export async function assertWithinBudget(ownerId: string, estimatedCostUsd: string, maxCostUsd: string | null, now = new Date()): Promise<void> {
  const status = await budgetStatus(ownerId, now);
  if (!status?.budget.hardStop) return;
  const cost = jobBudgetCostMicros(estimatedCostUsd, maxCostUsd);
  const remaining = remainingMicros(status);
  if (cost <= remaining) return;
  throw new BudgetExceededError(
    status.month,
    microsToUsd(status.amountMicros),
    microsToUsd(status.spentMicros),
    microsToUsd(status.committedMicros),
    microsToUsd(remaining),
    microsToUsd(cost),
  );
}

/** When each threshold's alert went out this month (absent: not yet). */
export async function thresholdsReached(status: BudgetStatus): Promise<Map<BudgetThreshold, Date>> {
  const keys = BUDGET_THRESHOLDS.map((p) => budgetAlertKey(status.month, p));
  const sent = await db.notification.findMany({ where: { ownerId: status.budget.ownerId, dedupeKey: { in: keys } }, select: { dedupeKey: true, createdAt: true } });
  return new Map(BUDGET_THRESHOLDS.flatMap((p) => sent.filter((n) => n.dedupeKey === budgetAlertKey(status.month, p)).map((n) => [p, n.createdAt] as const)));
}

export interface BudgetInput {
  amountUsd: string;
  hardStop?: boolean | null;
  timeZone?: string | null;
}

async function checkInput(input: BudgetInput): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const amount = input.amountUsd.trim();
  if (!/^\d+(\.\d{1,6})?$/.test(amount) || usdToMicros(amount) <= 0n || usdToMicros(amount) > usdToMicros(MAX_BUDGET_USD)) {
    problems.push({ path: ['amountUsd'], message: `must be a positive amount in USD with at most 6 decimals, up to ${MAX_BUDGET_USD}, e.g. "500.00"` });
  }
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  // PostgreSQL does the month arithmetic, so it is the judge of a zone's name; POSIX forms such as "UTC+3" are refused.
  const known =
    /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone) && !/\d/.test(timeZone.split('/')[0]!)
      ? (await pool.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [timeZone])).rowCount === 1
      : false;
  if (!known) problems.push({ path: ['timeZone'], message: 'must be an IANA time zone name such as "UTC" or "Europe/Berlin"' });
  return problems;
}

/** Creates or replaces the owner's budget (training/spending-limits.ts setBudget then applies it at once). */
export async function saveBudget(ownerId: string, input: BudgetInput): Promise<Budget> {
  const problems = await checkInput(input);
  if (problems.length) throw new InvalidInputError(problems);
  const data = { amount: input.amountUsd.trim(), hardStop: input.hardStop ?? false, timeZone: input.timeZone ?? DEFAULT_TIME_ZONE };
  return db.budget.upsert({ where: { ownerId }, create: { ownerId, ...data }, update: data });
}

/** Removes the owner's budget; false when there was none. */
export async function removeBudget(ownerId: string): Promise<boolean> {
  const { count } = await db.budget.deleteMany({ where: { ownerId } });
  return count === 1;
}
