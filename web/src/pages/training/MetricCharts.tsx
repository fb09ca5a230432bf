// The monitor's curves: training and validation loss (smoothing, log scale, zoom, the best validation step
// and an overfitting warning), and the learning rate, by step. The x axis spans the steps recorded so far,
// so a run that stopped early fills the chart.
import { Line } from '@nivo/line';
import { ChartFrame } from '../../components/charts/ChartFrame';
import { chartColors, chartTheme } from '../../components/charts/theme';
import { Alert } from '../../components/States';
import { formatCompact, formatScientific } from '../../lib/format';
import { overfitMessage } from '../../../../server/training/loss-curve';
import { overfitOf, runCurves, useChartView } from './charts/curves';
import { LossChartControls, LossCurveChart } from './charts/LossCurveChart';
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
  format(value: number): string;
  emptyText: string;
}

function SeriesChart({ label, points, series, format, emptyText }: Props) {
  // A series with no point yet would draw an empty path (d="null"); one with a single point draws a dot.
  const data = series
    .map((s) => ({
      id: s.id,
      color: s.color,
      data: points.flatMap((point) => {
        const y = s.value(point);
        return y == null ? [] : [{ x: point.step, y }];
      }),
    }))
    .filter((s) => s.data.length > 0);
  const hasData = data.length > 0;
  const first = points[0]?.step ?? 0;
  const last = points[points.length - 1]?.step ?? 1;
  return (
    <ChartFrame label={label} height={280} empty={hasData ? undefined : emptyText}>
      {(width, height) => (
        <Line
          width={width}
          height={height}
          data={data}
          colors={(s) => s.color}
          theme={chartTheme}
          margin={{ top: 12, right: 16, bottom: 48, left: 58 }}
          xScale={{ type: 'linear', min: first === last ? Math.max(0, first - 1) : first, max: first === last ? last + 1 : last, nice: false }}
          yScale={{ type: 'linear', min: 'auto', max: 'auto' }}
          curve="monotoneX"
          enablePoints={data.some((s) => s.data.length === 1)}
          pointSize={6}
          lineWidth={2}
          animate={false}
          enableSlices="x"
          axisBottom={{
            tickSize: 0,
            tickPadding: 8,
            tickValues: Math.max(2, Math.floor(width / 90)),
            legend: 'Step',
            legendPosition: 'middle',
            legendOffset: 36,
            format: (v) => formatCompact(Number(v)),
          }}
          axisLeft={{ tickSize: 0, tickPadding: 8, tickValues: 5, format: (v) => format(Number(v)) }}
          gridXValues={0}
          gridYValues={5}
          legends={data.length > 1 ? [{ anchor: 'top-right', direction: 'row', itemWidth: 120, itemHeight: 16, symbolSize: 10, symbolShape: 'circle', translateY: -6 }] : []}
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

export function LossChart({ points }: { points: readonly MetricPoint[] }) {
  const [view, update] = useChartView();
  const run = runCurves({ id: 'run', label: 'Training loss', color: chartColors.primary, points }, view);
  const overfit = overfitOf(points);
  return (
    <>
      <LossChartControls view={view} update={update} />
      <LossCurveChart
        runs={[run]}
        view={view}
        onZoom={(zoom) => update({ zoom })}
        validationColor={chartColors.tertiary}
        label="Training and validation loss by step"
        emptyText="The loss curve starts with the first training step."
      />
      <div className="loss-chart-legend" aria-hidden="true">
        <span>
          <span style={{ color: chartColors.primary }}>━</span> Training loss{view.smoothing > 0 ? ' (smoothed; raw line faint)' : ''}
        </span>
        <span>
          <span style={{ color: chartColors.tertiary }}>○</span> Validation loss
        </span>
        <span>
          <span style={{ color: chartColors.tertiary }}>◆</span> Best validation
        </span>
      </div>
      {overfit && (
        <Alert tone="warning" title="Overfitting">
          {overfitMessage(overfit)}
        </Alert>
      )}
    </>
  );
}

export function LearningRateChart({ points }: { points: readonly MetricPoint[] }) {
  return (
    <SeriesChart
      label="Learning rate by step"
      points={points}
      series={[{ id: 'Learning rate', color: chartColors.secondary, value: (p) => p.learningRate }]}
      format={formatScientific}
      emptyText="The schedule appears with the first training step."
    />
  );
}
