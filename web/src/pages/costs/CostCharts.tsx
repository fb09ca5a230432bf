// The cost charts: spend per period stacked by cost type, and totals as horizontal bars.
import { BarChart } from '../../components/charts/BarChart';
import { thinTicks } from '../../components/charts/ChartFrame';
import { chartColors } from '../../components/charts/theme';
import { formatMoney } from '../../lib/format';

export const COST_TYPE_LABELS: Record<string, string> = { TRAINING_COMPUTE: 'Training compute', STORAGE: 'Storage' };

const TYPE_COLORS: Record<string, string> = { 'Training compute': chartColors.primary, Storage: chartColors.secondary };

const periodFormats = {
  DAY: new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }),
  WEEK: new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }),
  MONTH: new Intl.DateTimeFormat('en-US', { month: 'short', year: '2-digit', timeZone: 'UTC' }),
};

interface Period {
  periodStart: string;
  byType: readonly { type: string; total: string }[];
}

/** Money axes: whole dollars when the values are large, cents otherwise. */
function moneyTick(value: number): string {
  return value >= 100 ? `$${Math.round(value)}` : formatMoney(value);
}

export function CostSeriesChart({ series, groupBy }: { series: readonly Period[]; groupBy: keyof typeof periodFormats }) {
  const types = Object.values(COST_TYPE_LABELS);
  const data = series.map((period) => ({
    period: `${groupBy === 'WEEK' ? 'wk ' : ''}${periodFormats[groupBy].format(new Date(period.periodStart))}`,
    ...Object.fromEntries(types.map((label) => [label, 0])),
    ...Object.fromEntries(period.byType.map((t) => [COST_TYPE_LABELS[t.type] ?? t.type, Number(t.total)])),
  }));
  return (
    <BarChart
      label={`Cost per ${groupBy.toLowerCase()}, by type`}
      height={300}
      bars={(width) => ({
        data,
        keys: types,
        indexBy: 'period',
        margin: { top: 28, right: 12, bottom: 40, left: 64 },
        padding: 0.25,
        colors: ({ id }) => TYPE_COLORS[String(id)] ?? chartColors.tertiary,
        enableLabel: false,
        axisBottom: {
          tickSize: 0,
          tickPadding: 8,
          tickValues: thinTicks(
            data.map((d) => d.period),
            width - 76,
            64,
          ),
        },
        axisLeft: { tickSize: 0, tickPadding: 8, tickValues: 5, format: (v) => moneyTick(Number(v)) },
        gridYValues: 5,
        legends: [{ dataFrom: 'keys', anchor: 'top-right', direction: 'row', itemWidth: 130, itemHeight: 16, symbolSize: 10, translateY: -24 }],
        tooltip: ({ id, value, indexValue }) => (
          <div className="chart-tooltip">
            {indexValue} · {id}: <strong>{formatMoney(value)}</strong>
          </div>
        ),
      })}
    />
  );
}

export function CostBreakdownChart({ label, rows }: { label: string; rows: { name: string; total: number }[] }) {
  const data = [...rows].reverse();
  const empty = rows.every((r) => r.total === 0);
  return (
    <BarChart
      label={label}
      height={Math.max(120, rows.length * 44 + 40)}
      empty={empty ? 'Nothing spent.' : undefined}
      bars={() => ({
        data,
        keys: ['total'],
        indexBy: 'name',
        layout: 'horizontal',
        margin: { top: 4, right: 72, bottom: 28, left: 130 },
        padding: 0.3,
        enableGridX: true,
        enableGridY: false,
        gridXValues: 4,
        axisLeft: { tickSize: 0, tickPadding: 8 },
        axisBottom: { tickSize: 0, tickPadding: 6, tickValues: 4, format: (v) => moneyTick(Number(v)) },
        label: (d) => formatMoney(d.value),
        labelPosition: 'end',
        labelOffset: 6,
        labelTextColor: '#344054',
        tooltip: ({ indexValue, value }) => (
          <div className="chart-tooltip">
            {indexValue}: <strong>{formatMoney(value)}</strong>
          </div>
        ),
      })}
    />
  );
}
