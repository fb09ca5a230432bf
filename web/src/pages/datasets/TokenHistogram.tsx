// How long the examples are: a bar per token-length bucket.
import { BarChart } from '../../components/charts/BarChart';
import { thinTicks } from '../../components/charts/ChartFrame';
import { formatCompact, formatInteger } from '../../lib/format';

interface Bucket {
  bucketStart: number;
  count: number;
}

function bucketLabel(buckets: readonly Bucket[], index: number): string {
  const start = buckets[index]!.bucketStart;
  const next = buckets[index + 1]?.bucketStart;
  if (next == null) return `${formatCompact(start)}+`;
  return next - 1 <= start ? formatCompact(start) : `${formatCompact(start)}–${formatCompact(next - 1)}`;
}

export function TokenHistogram({ buckets }: { buckets: readonly Bucket[] }) {
  const data = buckets.map((bucket, index) => ({ range: bucketLabel(buckets, index), examples: bucket.count }));
  // Counts are whole numbers: with few examples, tick every one rather than at fractions.
  const most = Math.max(0, ...buckets.map((b) => b.count));
  const countTicks = most <= 6 ? Array.from({ length: most + 1 }, (_, i) => i) : 5;
  return (
    <BarChart
      label="Histogram of tokens per example"
      empty={data.length === 0 ? 'No examples to chart.' : undefined}
      bars={(width) => ({
        data,
        keys: ['examples'],
        indexBy: 'range',
        margin: { top: 10, right: 12, bottom: 48, left: 56 },
        padding: 0.15,
        enableLabel: false,
        axisBottom: {
          tickSize: 0,
          tickPadding: 8,
          legend: 'Tokens per example',
          legendPosition: 'middle',
          legendOffset: 38,
          tickValues: thinTicks(
            data.map((d) => d.range),
            width - 68,
          ),
        },
        axisLeft: { tickSize: 0, tickPadding: 8, legend: 'Examples', legendPosition: 'middle', legendOffset: -46, tickValues: countTicks, format: (v) => formatCompact(Number(v)) },
        gridYValues: countTicks,
        tooltip: ({ indexValue, value }) => (
          <div className="chart-tooltip">
            <strong>{formatInteger(value)}</strong> examples with {indexValue} tokens
          </div>
        ),
      })}
    />
  );
}
