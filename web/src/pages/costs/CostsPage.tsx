// /costs: the monthly budget, then what training and storage cost over a date range: totals, this month
// against last, a chart by period stacked by type, totals by type and GPU, and the most expensive jobs.
import { useState } from 'react';
import { useQuery } from 'urql';
import { Panel, StatCard, StatGrid } from '../../components/Card';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, QueryStates } from '../../components/States';
import { Segmented } from '../../components/Segmented';
import { StatusBadge } from '../../components/StatusBadge';
import { RowTitle, Table, type Column } from '../../components/Table';
import { graphql } from '../../gql';
import type { CostGroupBy, CostsQuery } from '../../gql/graphql';
import { formatMoney, formatNumber } from '../../lib/format';
import { useTitle } from '../../lib/hooks';
import { BudgetPanel } from './BudgetPanel';
import { CostBreakdownChart, CostSeriesChart, COST_TYPE_LABELS } from './CostCharts';
import { gpuLabel, jobStatusLabel } from '../training/fragments';

const Costs = graphql(`
  query Costs($from: DateTime!, $to: DateTime!, $groupBy: CostGroupBy!) {
    costSummary(from: $from, to: $to, groupBy: $groupBy, topJobs: 5) {
      __typename
      ... on CostSummary {
        total
        groupBy
        byType {
          type
          total
        }
        byGpuType {
          gpuType
          total
        }
        monthComparison {
          thisMonth
          lastMonth
          lastMonthToDate
          changePercent
        }
        series {
          periodStart
          total
          byType {
            type
            total
          }
        }
        topJobs {
          total
          job {
            id
            name
            status
            costCapReachedAt
            errorCode
            gpu {
              type
              count
            }
            dataset {
              id
              name
            }
          }
        }
      }
      ... on InvalidInputError {
        message
      }
    }
  }
`);

const DAY = 86_400_000;
const RANGES = [
  { id: '7d', label: '7 days', days: 7, groupBy: 'DAY' },
  { id: '30d', label: '30 days', days: 30, groupBy: 'DAY' },
  { id: '90d', label: '90 days', days: 90, groupBy: 'WEEK' },
  { id: '12m', label: '12 months', days: 365, groupBy: 'MONTH' },
] as const;

/** UTC midnight starting today + offset days, as ISO. */
function utcDay(offsetDays: number): string {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + offsetDays * DAY).toISOString();
}

function rangeOf(days: number) {
  return { from: utcDay(1 - days), to: utcDay(1) };
}

type TopJob = Extract<CostsQuery['costSummary'], { __typename: 'CostSummary' }>['topJobs'][number];

const TOP_JOB_COLUMNS: Column<TopJob & { id: string }>[] = [
  {
    label: 'Job',
    cell: ({ job }) => <RowTitle to={`/training/jobs/${job.id}`} name={job.name} detail={job.dataset.name} />,
  },
  { label: 'Status', cell: ({ job }) => <StatusBadge status={job.status} label={jobStatusLabel(job)} /> },
  { label: 'GPUs', cell: ({ job }) => gpuLabel(job) },
  { label: 'Cost in range', className: 'num', cell: ({ total }) => formatMoney(total) },
];

export function CostsPage() {
  useTitle('Costs');
  const [rangeId, setRangeId] = useState<(typeof RANGES)[number]['id'] | 'custom'>('30d');
  const [custom, setCustom] = useState(() => ({ from: utcDay(-29).slice(0, 10), to: utcDay(0).slice(0, 10) }));
  const [groupBy, setGroupBy] = useState<CostGroupBy>('DAY');
  const [range, setRange] = useState(() => rangeOf(30));

  function choose(id: (typeof RANGES)[number]['id']) {
    const chosen = RANGES.find((r) => r.id === id)!;
    setRangeId(id);
    setRange(rangeOf(chosen.days));
    setGroupBy(chosen.groupBy);
  }

  function applyCustom(next: { from: string; to: string }) {
    setCustom(next);
    if (!next.from || !next.to || next.from > next.to) return;
    setRange({ from: `${next.from}T00:00:00.000Z`, to: new Date(new Date(`${next.to}T00:00:00.000Z`).getTime() + DAY).toISOString() });
  }

  // Costs change whenever a job runs: read them afresh on each visit (no polling while here).
  const [{ data, error, fetching }, reload] = useQuery({ query: Costs, variables: { ...range, groupBy }, requestPolicy: 'cache-and-network' });
  const summary = data?.costSummary;

  return (
    <>
      <PageHeader title="Costs" subtitle="GPU time and storage, to the micro-dollar." />
      <BudgetPanel />
      <div className="toolbar">
        <Segmented
          label="Date range"
          options={[...RANGES.map((r) => ({ value: r.id, label: r.label })), { value: 'custom' as const, label: 'Custom' }]}
          value={rangeId}
          onChange={(id) => {
            if (id !== 'custom') return choose(id);
            setRangeId('custom');
            applyCustom(custom);
          }}
        />
        <div className="toolbar-group">
          {rangeId === 'custom' && (
            <>
              <label className="inline-field">
                <span>From</span>
                <input type="date" value={custom.from} max={custom.to} onChange={(e) => applyCustom({ ...custom, from: e.target.value })} />
              </label>
              <label className="inline-field">
                <span>To</span>
                <input type="date" value={custom.to} min={custom.from} onChange={(e) => applyCustom({ ...custom, to: e.target.value })} />
              </label>
            </>
          )}
          <label className="inline-field">
            <span>By</span>
            <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as CostGroupBy)}>
              <option value="DAY">Day</option>
              <option value="WEEK">Week</option>
              <option value="MONTH">Month</option>
            </select>
          </label>
        </div>
      </div>

      <QueryStates data={summary} error={error} retry={() => reload({ requestPolicy: 'network-only' })} loading="Adding up costs…">
        {(summary) =>
          summary.__typename === 'InvalidInputError' ? (
            <ErrorState title="That range does not work" error={summary.message} />
          ) : (
            <div className={`costs-body ${fetching ? 'refreshing' : ''}`}>
              <StatGrid>
                <StatCard label="In this range" value={formatMoney(summary.total)} />
                <StatCard
                  label="This month"
                  value={formatMoney(summary.monthComparison.thisMonth)}
                  hint={
                    summary.monthComparison.changePercent == null
                      ? `last month to date ${formatMoney(summary.monthComparison.lastMonthToDate)}`
                      : `${summary.monthComparison.changePercent >= 0 ? '+' : ''}${formatNumber(summary.monthComparison.changePercent, 0)}% on last month to date`
                  }
                />
                <StatCard label="Last month" value={formatMoney(summary.monthComparison.lastMonth)} />
                {summary.byType.map((t) => (
                  <StatCard key={t.type} label={COST_TYPE_LABELS[t.type] ?? t.type} value={formatMoney(t.total)} />
                ))}
              </StatGrid>

              {Number(summary.total) === 0 ? (
                <EmptyState title="Nothing spent in this range" link={{ to: '/training/configure', label: 'Start a training run' }}>
                  GPU time is charged per second while a job runs; storage accrues daily.
                </EmptyState>
              ) : (
                <>
                  <Panel title={`Spend by ${summary.groupBy.toLowerCase()}`}>
                    <CostSeriesChart series={summary.series} groupBy={summary.groupBy} />
                  </Panel>
                  <div className="two-columns columns-even">
                    <Panel title="By type">
                      <CostBreakdownChart label="Cost by type" rows={summary.byType.map((t) => ({ name: COST_TYPE_LABELS[t.type] ?? t.type, total: Number(t.total) }))} />
                    </Panel>
                    <Panel title="By GPU type">
                      <CostBreakdownChart label="Cost by GPU type" rows={summary.byGpuType.map((g) => ({ name: g.gpuType ?? 'Storage', total: Number(g.total) }))} />
                    </Panel>
                  </div>
                  <Panel title="Most expensive jobs">
                    {summary.topJobs.length === 0 ? (
                      <p className="muted">No training jobs in this range.</p>
                    ) : (
                      <Table columns={TOP_JOB_COLUMNS} rows={summary.topJobs.map((top) => ({ ...top, id: top.job.id }))} />
                    )}
                  </Panel>
                </>
              )}
            </div>
          )
        }
      </QueryStates>
    </>
  );
}
