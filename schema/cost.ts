// Costs: the costSummary analytics query (totals, series, breakdowns, top
// jobs, this month against last), in exact decimals, over the caller's data.
import { db } from '../server/db/client.js';
import { CostType } from '../server/db/generated/prisma/enums.js';
import { costSummary, DEFAULT_TOP_JOBS, MAX_PERIODS, MAX_TOP_JOBS, type CostPeriod, type CostSummary, type MonthComparison, type TypeAmount } from '../server/costs/summary.js';
import { builder, viewerId } from './builder.js';
import { InvalidInputError } from './errors.js';

const CostTypeEnum = builder.enumType(CostType, {
  name: 'CostType',
  description: 'TRAINING_COMPUTE: GPU time, billed per second at the GPU type\'s rate × count. STORAGE: dataset and model files, accrued daily.',
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

const JobCostRef = builder.objectRef<{ jobId: string; total: string }>('JobCost').implement({
  fields: (t) => ({
    // Each job loaded with exactly the fields asked for; Prisma batches the lookups of one page into one query.
    job: t.prismaField({ type: 'TrainingJob', resolve: (query, j) => db.trainingJob.findUniqueOrThrow({ ...query, where: { id: j.jobId } }) }),
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

const CostSummaryRef = builder.objectRef<CostSummary>('CostSummary').implement({
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
    resolve: (_root, args, ctx) => costSummary(viewerId(ctx), { from: args.from, to: args.to, groupBy: args.groupBy ?? 'DAY', topJobs: args.topJobs }),
  }),
);
