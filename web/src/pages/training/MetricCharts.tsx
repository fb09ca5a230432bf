// The monitor's curves: training and validation loss, and the learning rate, by step. The x axis spans the
// whole run, so the curves grow to the right as points arrive.
import { Line } from '@nivo/line';
import { ChartFrame } from '../../components/charts/ChartFrame';
import { chartColors, chartTheme } from '../../components/charts/theme';
import { formatCompact, formatNumber, formatScientific } from '../../lib/format';
import type { MetricPoint } from './metrics';

interface Series {
  id: string;
  color: string;
  value(point: MetricPoint): number | null | undefined;
}

interface Props {
  label: string;
  points: readonly MetricPoint[];
  series: Series[];
  totalSteps: number;
  format(value: number): string;
  emptyText: string;
}

function SeriesChart({ label, points, series, totalSteps, format, emptyText }: Props) {
  const data = series.map((s) => ({
    id: s.id,
    data: points.flatMap((point) => {
      const y = s.value(point);
      return y == null ? [] : [{ x: point.step, y }];
    }),
  }));
  const hasData = data.some((s) => s.data.length > 0);
  return (
    <ChartFrame label={label} height={280} empty={hasData ? undefined : emptyText}>
      {(width, height) => (
        <Line
          width={width}
          height={height}
          data={data}
          colors={series.map((s) => s.color)}
          theme={chartTheme}
          margin={{ top: 12, right: 16, bottom: 48, left: 58 }}
          xScale={{ type: 'linear', min: 0, max: Math.max(totalSteps, points[points.length - 1]?.step ?? 1), nice: false }}
          yScale={{ type: 'linear', min: 'auto', max: 'auto' }}
          curve="monotoneX"
          enablePoints={false}
          lineWidth={2}
          animate={false}
          enableSlices="x"
          axisBottom={{ tickSize: 0, tickPadding: 8, tickValues: Math.max(2, Math.floor(width / 90)), legend: 'Step', legendPosition: 'middle', legendOffset: 36, format: (v) => formatCompact(Number(v)) }}
          axisLeft={{ tickSize: 0, tickPadding: 8, tickValues: 5, format: (v) => format(Number(v)) }}
          gridXValues={0}
          gridYValues={5}
          legends={
            series.length > 1
              ? [{ anchor: 'top-right', direction: 'row', itemWidth: 120, itemHeight: 16, symbolSize: 10, symbolShape: 'circle', translateY: -6 }]
              : []
          }
          sliceTooltip={({ slice }) => (
            <div className="chart-tooltip">
              <div className="muted">Step {formatCompact(Number(slice.points[0]?.data.x))}</div>
              {slice.points.map((point) => (
                <div key={point.id}>
                  <span style={{ color: point.seriesColor }}>●</span> {point.seriesId}: <strong>{format(Number(point.data.y))}</strong>
                </div>
              ))}
            </div>
          )}
          role="presentation"
        />
      )}
    </ChartFrame>
  );
}

export function LossChart({ points, totalSteps }: { points: readonly MetricPoint[]; totalSteps: number }) {
  return (
    <SeriesChart
      label="Training and validation loss by step"
      points={points}
      totalSteps={totalSteps}
      series={[
        { id: 'Training loss', color: chartColors.primary, value: (p) => p.trainingLoss },
        { id: 'Validation loss', color: chartColors.tertiary, value: (p) => p.validationLoss },
      ]}
      format={(v) => formatNumber(v, 3)}
      emptyText="The loss curve starts with the first training step."
    />
  );
}

export function LearningRateChart({ points, totalSteps }: { points: readonly MetricPoint[]; totalSteps: number }) {
  return (
    <SeriesChart
      label="Learning rate by step"
      points={points}
      totalSteps={totalSteps}
      series={[{ id: 'Learning rate', color: chartColors.secondary, value: (p) => p.learningRate }]}
      format={formatScientific}
      emptyText="The schedule appears with the first training step."
    />
  );
}
