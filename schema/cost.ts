// Costs: the costSummary analytics query (totals, series, breakdowns, top
// jobs, this month against last), in exact decimals, over the caller's data;
// and the caller's monthly budget (budget, setBudget, removeBudget).
import { queryFromInfo } from '@pothos/plugin-prisma';
import { GraphQLError, Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import {
  BUDGET_THRESHOLDS,
  BudgetExceededError,
  budgetStatus,
  DEFAULT_TIME_ZONE,
  jobBudgetCostMicros,
  MAX_BUDGET_USD,
  remainingMicros,
  removeBudget,
  thresholdsReached,
  type BudgetStatus,
  type BudgetThreshold,
} from '../server/costs/budget.js';
import { setBudget } from '../server/training/spending-limits.js';
import { db, Prisma } from '../server/db/client.js';
import { CostType } from '../server/db/generated/prisma/enums.js';
import type { TrainingJob } from '../server/db/generated/prisma/client.js';
import { costSummary, DEFAULT_TOP_JOBS, MAX_PERIODS, MAX_TOP_JOBS, type CostPeriod, type CostSummary, type MonthComparison, type TypeAmount } from '../server/costs/summary.js';
import { builder, viewerId, type Context } from './builder.js';
import { ErrorInterface, InvalidInputError } from './errors.js';
import { microsToUsd } from '../server/costs/money.js';

const CostTypeEnum = builder.enumType(CostType, {
  name: 'CostType',
  description: "TRAINING_COMPUTE: GPU time, billed per second at the GPU type's rate × count. STORAGE: dataset and model files, accrued daily.",
});
const GroupByEnum = builder.enumType('CostGroupBy', {
  values: {
    DAY: { description: 'UTC days' },
    WEEK: { description: 'ISO weeks, from Monday 00:00 UTC' },
    MONTH: { description: 'Calendar months, UTC' },
  } as const,
});

const TypeAmountRef = builder.objectRef<TypeAmount>('CostTypeAmount').implement({
  fields: (t) => ({ type: t.field({ type: CostTypeEnum, resolve: (a) => a.type }), total: t.field({ type: 'Decimal', resolve: (a) => a.total }) }),
});

const PeriodRef = builder.objectRef<CostPeriod>('CostPeriod').implement({
  description: 'One period of the series; records belong to the period their periodStart falls in.',
  fields: (t) => ({
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', description: 'Exclusive.' }),
    total: t.field({ type: 'Decimal', resolve: (p) => p.total }),
    byType: t.field({ type: [TypeAmountRef], description: 'Every cost type, zero included.', resolve: (p) => p.byType }),
  }),
});

const GpuCostRef = builder.objectRef<{ gpuType: string | null; total: string }>('GpuTypeCost').implement({
  fields: (t) => ({
    gpuType: t.exposeString('gpuType', { nullable: true, description: 'null: costs not tied to a GPU (storage).' }),
    total: t.field({ type: 'Decimal', resolve: (g) => g.total }),
  }),
});

/** A top job, with its row already on the way where costSummary started loading it. */
type JobCost = { jobId: string; total: string; job?: Promise<TrainingJob> };

const JobCostRef = builder.objectRef<JobCost>('JobCost').implement({
  fields: (t) => ({
    // Each job loaded with exactly the fields asked for; Prisma batches the lookups of one page into one query.
    job: t.prismaField({ type: 'TrainingJob', resolve: (query, j) => j.job ?? db.trainingJob.findUniqueOrThrow({ ...query, where: { id: j.jobId } }) }),
    total: t.field({ type: 'Decimal', description: 'What the job cost within the range.', resolve: (j) => j.total }),
  }),
});

const MonthComparisonRef = builder.objectRef<MonthComparison>('CostMonthComparison').implement({
  description: 'This calendar month (UTC) so far against last month, whatever range was asked for.',
  fields: (t) => ({
    thisMonthStart: t.expose('thisMonthStart', { type: 'DateTime' }),
    thisMonth: t.field({ type: 'Decimal', description: 'Month to date.', resolve: (m) => m.thisMonth }),
    lastMonth: t.field({ type: 'Decimal', description: 'The whole previous month.', resolve: (m) => m.lastMonth }),
    lastMonthToDate: t.field({ type: 'Decimal', description: 'The previous month up to the same point in it.', resolve: (m) => m.lastMonthToDate }),
    changePercent: t.exposeFloat('changePercent', { nullable: true, description: 'thisMonth against lastMonthToDate, in percent; null when that was zero.' }),
  }),
});

/**
 * The top jobs' rows, with the fields the query asks for, requested as soon as their ids are known: the lookup
 * then runs while GraphQL walks the series (a year by day is some 2,500 fields), not after it.
 */
function loadingJobs(topJobs: CostSummary['topJobs'], ctx: Context, info: GraphQLResolveInfo): JobCost[] {
  if (topJobs.length === 0 || !selects(info, ['topJobs', 'job'])) return topJobs;
  const query = queryFromInfo({
    context: ctx,
    info,
    typeName: 'TrainingJob',
    path: [
      { type: 'CostSummary', name: 'topJobs' },
      { type: 'JobCost', name: 'job' },
    ],
  });
  const rows = db.trainingJob.findMany({ ...query, where: { id: { in: topJobs.map((j) => j.jobId) } } }).then((found) => new Map(found.map((row) => [row.id, row])));
  return topJobs.map((j) => {
    const job = rows.then((byId) => {
      const row = byId.get(j.jobId);
      if (!row) throw new Error(`top job ${j.jobId} is gone`);
      return row;
    });
    // A field left unresolved (an error elsewhere ends the operation first) must not leave a rejection unhandled.
    job.catch(() => {});
    return { ...j, job };
  });
}

/** Whether the operation selects the field at `path` below the field being resolved (through fragments too). */
function selects(info: GraphQLResolveInfo, path: string[]): boolean {
  const within = (selections: readonly SelectionNode[], [name, ...rest]: string[]): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name && (rest.length === 0 || within(selection.selectionSet?.selections ?? [], rest));
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
      return fragment !== undefined && within(fragment.selectionSet.selections, [name!, ...rest]);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet?.selections ?? [], path));
}

const CostSummaryRef = builder.objectRef<Omit<CostSummary, 'topJobs'> & { topJobs: JobCost[] }>('CostSummary').implement({
  description: 'Exact decimal USD. total equals the sum of series totals, of byType and of byGpuType, to the micro-dollar.',
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime', description: 'Exclusive.' }),
    groupBy: t.field({ type: GroupByEnum, resolve: (s) => s.groupBy }),
    currency: t.string({ resolve: () => 'USD' }),
    total: t.field({ type: 'Decimal', resolve: (s) => s.total }),
    series: t.field({ type: [PeriodRef], description: 'Every period overlapping the range, oldest first, empty ones at zero.', resolve: (s) => s.series }),
    byType: t.field({ type: [TypeAmountRef], resolve: (s) => s.byType }),
    byGpuType: t.field({ type: [GpuCostRef], description: 'Most expensive first.', resolve: (s) => s.byGpuType }),
    topJobs: t.field({ type: [JobCostRef], description: 'The most expensive jobs in the range, most expensive first.', resolve: (s) => s.topJobs }),
    monthComparison: t.field({ type: MonthComparisonRef, resolve: (s) => s.months }),
  }),
});

builder.queryField('costSummary', (t) =>
  t.field({
    type: CostSummaryRef,
    description: `What the caller spent in [from, to): total, series, breakdowns and top jobs. At most ${MAX_PERIODS} periods.`,
    authScopes: { user: true },
    errors: { types: [InvalidInputError] },
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true, description: 'Exclusive.' }),
      groupBy: t.arg({ type: GroupByEnum, defaultValue: 'DAY' }),
      topJobs: t.arg.int({ defaultValue: DEFAULT_TOP_JOBS, description: `How many of the most expensive jobs (0–${MAX_TOP_JOBS}).` }),
    },
    // Top jobs come from the caller's own cost records, so every job they name is the caller's.
    resolve: async (_root, args, ctx, info) => {
      const summary = await costSummary(viewerId(ctx), { from: args.from, to: args.to, groupBy: args.groupBy ?? 'DAY', topJobs: args.topJobs });
      return { ...summary, topJobs: loadingJobs(summary.topJobs, ctx, info) };
    },
  }),
);

// ---- Monthly budget: the caller's own, so no id is ever taken or given.

const BudgetThresholdRef = builder.objectRef<{ percent: BudgetThreshold; amount: string; reachedAt: Date | null }>('BudgetThreshold').implement({
  description: 'A share of the budget at which the owner is told (a BUDGET_THRESHOLD notification), once per month.',
  fields: (t) => ({
    percent: t.exposeInt('percent'),
    amount: t.field({ type: 'Decimal', description: 'The spend at which it is reached.', resolve: (h) => h.amount }),
    reachedAt: t.expose('reachedAt', { type: 'DateTime', nullable: true, description: "When this month's alert went out; null: not yet." }),
  }),
});

/** A Decimal argument as micro-dollars: a non-negative amount, rounded to the micro-dollar. */
function amountArg(value: string, name: string): string {
  const amount = new Prisma.Decimal(value);
  if (amount.isNegative()) throw new GraphQLError(`${name} must not be negative`, { extensions: { code: 'BAD_USER_INPUT' } });
  return amount.toFixed(6);
}

const BudgetRef = builder.objectRef<BudgetStatus>('Budget').implement({
  description:
    "The caller's monthly budget and where the current month stands. Months are calendar months in the budget's time zone. " +
    'Spend is the exact cost records of the month plus what running jobs have accrued since their last record.',
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', description: 'USD per month.', resolve: (s) => microsToUsd(s.amountMicros) }),
    hardStop: t.boolean({
      description: 'On: a job that could cost more than is left is refused (BudgetExceededError), and active jobs are stopped when the spend reaches the budget.',
      resolve: (s) => s.budget.hardStop,
    }),
    timeZone: t.string({ description: 'IANA time zone whose calendar months count (default UTC).', resolve: (s) => s.budget.timeZone }),
    month: t.string({ description: 'The current month, YYYY-MM, in the time zone.', resolve: (s) => s.month }),
    monthStart: t.field({ type: 'DateTime', resolve: (s) => s.monthStart }),
    monthEnd: t.field({ type: 'DateTime', description: 'Exclusive.', resolve: (s) => s.monthEnd }),
    spent: t.field({ type: 'Decimal', description: 'Month to date.', resolve: (s) => microsToUsd(s.spentMicros) }),
    committed: t.field({
      type: 'Decimal',
      description: "What the active jobs are still expected to cost: each one's estimate (or cost cap, when lower) less its cost so far.",
      resolve: (s) => microsToUsd(s.committedMicros),
    }),
    projected: t.field({
      type: 'Decimal',
      description: "The month's projection from the active jobs: spent + committed.",
      resolve: (s) => microsToUsd(s.spentMicros + s.committedMicros),
    }),
    remaining: t.field({ type: 'Decimal', description: 'amount − projected: what a new job may use (negative when over).', resolve: (s) => microsToUsd(remainingMicros(s)) }),
    leftAfterJob: t.field({
      type: 'Decimal',
      description: 'What would remain after a job with this estimate (and cost cap): remaining − the lower of the two.',
      args: { estimatedCost: t.arg({ type: 'Decimal', required: true }), maxCost: t.arg({ type: 'Decimal' }) },
      resolve: (s, args) =>
        microsToUsd(remainingMicros(s) - jobBudgetCostMicros(amountArg(args.estimatedCost, 'estimatedCost'), args.maxCost == null ? null : amountArg(args.maxCost, 'maxCost'))),
    }),
    thresholds: t.field({
      type: [BudgetThresholdRef],
      resolve: async (s) => {
        const reached = await thresholdsReached(s);
        return BUDGET_THRESHOLDS.map((percent) => ({ percent, amount: microsToUsd((s.amountMicros * BigInt(percent)) / 100n), reachedAt: reached.get(percent) ?? null }));
      },
    }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.budget.updatedAt }),
  }),
});

builder.objectType(BudgetExceededError, {
  name: 'BudgetExceededError',
  interfaces: [ErrorInterface],
  description: "The monthly budget's hard stop is on and this job could cost more than is left of it.",
  fields: (t) => ({
    month: t.exposeString('month'),
    budget: t.field({ type: 'Decimal', resolve: (e) => e.budgetUsd }),
    spent: t.field({ type: 'Decimal', resolve: (e) => e.spentUsd }),
    committed: t.field({ type: 'Decimal', description: 'What the active jobs are still expected to cost.', resolve: (e) => e.committedUsd }),
    remaining: t.field({ type: 'Decimal', resolve: (e) => e.remainingUsd }),
    jobCost: t.field({ type: 'Decimal', description: "The job's estimate, or its cost cap when lower.", resolve: (e) => e.jobCostUsd }),
  }),
});

builder.queryField('budget', (t) =>
  t.field({
    type: BudgetRef,
    nullable: true,
    description: "The caller's monthly budget and this month's spend against it; null when none is set.",
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => budgetStatus(viewerId(ctx)),
  }),
);

const SetBudgetInput = builder.inputType('SetBudgetInput', {
  fields: (t) => ({
    amountUsd: t.field({ type: 'Decimal', required: true, description: `USD per month, above 0 and at most ${MAX_BUDGET_USD}.` }),
    hardStop: t.boolean({ defaultValue: false, description: 'Refuse jobs that could cross the budget, and stop active jobs when the spend reaches it.' }),
    timeZone: t.string({ defaultValue: DEFAULT_TIME_ZONE, description: 'IANA time zone whose calendar months the budget counts, e.g. "Europe/Berlin".' }),
  }),
});

const BudgetPayload = builder.simpleObject('SetBudgetPayload', { fields: (t) => ({ budget: t.field({ type: BudgetRef }) }) });

builder.mutationField('setBudget', (t) =>
  t.field({
    type: BudgetPayload,
    description: "Creates or replaces the caller's monthly budget. It applies at once: a budget below this month's spend alerts (and, with the hard stop, stops active jobs).",
    authScopes: { user: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: SetBudgetInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      await setBudget(ctx.services, viewerId(ctx), { amountUsd: input.amountUsd, hardStop: input.hardStop, timeZone: input.timeZone });
      return { budget: (await budgetStatus(viewerId(ctx)))! };
    },
  }),
);

const RemoveBudgetPayload = builder.simpleObject('RemoveBudgetPayload', {
  fields: (t) => ({ removed: t.boolean({ description: 'false when there was no budget.' }) }),
});

builder.mutationField('removeBudget', (t) =>
  t.field({
    type: RemoveBudgetPayload,
    description: "Removes the caller's monthly budget: no more alerts, no hard stop.",
    authScopes: { user: true },
    resolve: async (_root, _args, ctx) => ({ removed: await removeBudget(viewerId(ctx)) }),
  }),
);
