// Loss curves as TensorBoard and W&B draw them, for one run (the monitor) or several (the comparison):
// the smoothed training loss over its faint raw line, validation points with markers, each run's best
// validation point marked, a linear or log y axis, and a drag across the plot to zoom to an x range.
// Lines are drawn by our own layer: a series of one point draws a dot, and no series draws an empty path.
import { Line, type LineCustomSvgLayerProps, type LineSvgLayer } from '@nivo/line';
import { useRef, useState, type MouseEvent } from 'react';
import { ChartFrame } from '../../../components/charts/ChartFrame';
import { chartTheme } from '../../../components/charts/theme';
import { formatCompact, formatNumber } from '../../../lib/format';
import { dataDomain, ticksOf, valueDomain, type ChartView, type RunCurves } from './curves';

type Kind = 'raw' | 'smoothed' | 'validation';

interface ChartSeries {
  id: string;
  kind: Kind;
  run: string;
  color: string;
  data: { x: number; y: number }[];
}

type LayerProps = LineCustomSvgLayerProps<ChartSeries>;

const MARGIN = { top: 16, right: 20, bottom: 48, left: 58 };
/** Narrower drags are clicks (the tooltip), not zooms. */
const MIN_DRAG_PX = 6;

const formatLoss = (v: number) => formatNumber(v, 3);

function pathOf(points: readonly { position: { x: number; y: number } }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.position.x.toFixed(1)},${p.position.y.toFixed(1)}`).join('');
}

function Lines({ series }: LayerProps) {
  return (
    <g>
      {series.map((s) => {
        const dim = s.kind === 'raw';
        const color = s.color;
        return (
          <g key={s.id} data-series={s.id} data-kind={s.kind} data-run={s.run}>
            {s.data.length > 1 && (
              <path
                d={pathOf(s.data)}
                fill="none"
                stroke={color}
                strokeOpacity={dim ? 0.25 : 1}
                strokeWidth={s.kind === 'smoothed' ? 2 : 1.25}
                strokeDasharray={s.kind === 'validation' ? '4 3' : undefined}
                strokeLinejoin="round"
              />
            )}
            {(s.kind === 'validation' || s.data.length === 1) &&
              s.data.map((d, i) => (
                <circle
                  // biome-ignore lint/suspicious/noArrayIndexKey: markers of one series, in step order; the index is the point
                  key={i}
                  className="loss-chart-marker"
                  cx={d.position.x}
                  cy={d.position.y}
                  r={s.kind === 'validation' ? 3.5 : 3}
                  fill={s.kind === 'validation' ? '#fff' : color}
                  stroke={color}
                  strokeWidth={1.75}
                />
              ))}
          </g>
        );
      })}
    </g>
  );
}

function bestLayer(runs: readonly RunCurves[], domain: [number, number], single: boolean, validationColor?: string) {
  // biome-ignore lint/correctness/noComponentHookFactories: a nivo layer is a render function built from the chart's data; it holds no hooks
  return function Best({ xScale, yScale, innerHeight }: LayerProps) {
    return (
      <g>
        {runs.flatMap((run) => {
          const best = run.best;
          if (!best || best.step < domain[0] || best.step > domain[1]) return [];
          const x = xScale(best.step);
          const y = yScale(best.value);
          const color = validationColor ?? run.color;
          return [
            <g key={run.id} className="loss-chart-best" data-best-run={run.id} data-best-step={best.step}>
              {single && <line x1={x} x2={x} y1={0} y2={innerHeight} stroke={color} strokeDasharray="2 4" strokeOpacity={0.7} />}
              <path d={`M${x},${y - 7}L${x + 7},${y}L${x},${y + 7}L${x - 7},${y}Z`} fill={color} stroke="#fff" strokeWidth={1.5} />
              {single && (
                <text x={x + 6} y={10} fontSize={11} fill="#475467" textAnchor={x > 200 ? 'end' : 'start'} dx={x > 200 ? -12 : 0}>
                  Best validation {formatLoss(best.value)} at step {formatCompact(best.step)}
                </text>
              )}
            </g>,
          ];
        })}
      </g>
    );
  };
}

function seriesOf(runs: readonly RunCurves[], view: ChartView, domain: [number, number], single: boolean, validationColor?: string): ChartSeries[] {
  const inside = (p: { step: number }) => p.step >= domain[0] && p.step <= domain[1];
  const positive = (p: { value: number }) => !view.logScale || p.value > 0;
  const series: ChartSeries[] = [];
  for (const run of runs) {
    const name = single ? 'Training loss' : run.label;
    const add = (id: string, kind: Kind, points: RunCurves['raw']) => {
      const data = points.filter((p) => inside(p) && positive(p)).map((p) => ({ x: p.step, y: p.value }));
      const color = kind === 'validation' && validationColor ? validationColor : run.color;
      if (data.length > 0) series.push({ id, kind, run: run.id, color, data });
    };
    // Smoothing off: the raw line is the line.
    if (view.smoothing > 0) add(`${name} (raw)`, 'raw', run.raw);
    add(name, 'smoothed', view.smoothing > 0 ? run.smoothed : run.raw);
    add(single ? 'Validation loss' : `${run.label} (validation)`, 'validation', run.validation);
  }
  return series;
}

interface Props {
  runs: readonly RunCurves[];
  view: ChartView;
  onZoom(range: [number, number]): void;
  label: string;
  emptyText: string;
  height?: number;
  /** One run's validation points in their own colour (the monitor); several runs use each run's colour. */
  validationColor?: string;
}

export function LossCurveChart({ runs, view, onZoom, label, emptyText, height = 300, validationColor }: Props) {
  const full = dataDomain(runs);
  const domain = view.zoom ?? full;
  const single = runs.length === 1;
  const series = domain ? seriesOf(runs, view, domain, single, validationColor) : [];
  const yDomain = valueDomain(
    series.flatMap((s) => s.data.map((d) => d.y)),
    view.logScale,
  );
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const ready = domain && yDomain && series.length > 0;

  const plotX = (event: MouseEvent) => {
    const rect = box.current!.getBoundingClientRect();
    const inner = rect.width - MARGIN.left - MARGIN.right;
    return Math.min(Math.max(event.clientX - rect.left - MARGIN.left, 0), inner);
  };
  const finishDrag = (event: MouseEvent) => {
    if (!drag || !domain) return;
    setDrag(null);
    const to = plotX(event);
    if (Math.abs(to - drag.from) < MIN_DRAG_PX) return;
    const inner = box.current!.getBoundingClientRect().width - MARGIN.left - MARGIN.right;
    const at = (px: number) => domain[0] + (px / inner) * (domain[1] - domain[0]);
    const [a, b] = [at(Math.min(drag.from, to)), at(Math.max(drag.from, to))];
    onZoom(view.xAxis === 'step' ? [Math.floor(a), Math.max(Math.ceil(b), Math.floor(a) + 1)] : [a, b]);
  };

  return (
    <div
      ref={box}
      className="loss-chart"
      data-x-min={domain?.[0]}
      data-x-max={domain?.[1]}
      data-y-scale={view.logScale ? 'log' : 'linear'}
      onPointerDown={(e) => ready && e.button === 0 && setDrag({ from: plotX(e), to: plotX(e) })}
      onPointerMove={(e) => drag && setDrag({ ...drag, to: plotX(e) })}
      onPointerUp={finishDrag}
      onPointerLeave={() => setDrag(null)}
      onPointerCancel={() => setDrag(null)}
    >
      <ChartFrame label={label} height={height} empty={ready ? undefined : emptyText}>
        {(width, h) => {
          const [y0, y1] = yDomain!;
          // d3 picks round ticks on a linear scale; a short log range gets evenly spaced ones of our own.
          const yTicks = view.logScale ? ticksOf(yDomain!, 5, true) : 5;
          const layers: LineSvgLayer<ChartSeries>[] = ['grid', 'axes', Lines, bestLayer(runs, domain!, single, validationColor), 'crosshair', 'slices'];
          return (
            <Line<ChartSeries>
              width={width}
              height={h}
              data={series}
              colors={(s) => s.color}
              theme={chartTheme}
              margin={MARGIN}
              layers={layers}
              xScale={{ type: 'linear', min: domain![0], max: domain![1], nice: false }}
              yScale={view.logScale ? { type: 'log', base: 10, min: y0, max: y1 } : { type: 'linear', min: y0, max: y1, nice: true }}
              animate={false}
              enableSlices="x"
              axisBottom={{
                tickSize: 0,
                tickPadding: 8,
                tickValues: Math.max(2, Math.floor(width / 90)),
                legend: view.xAxis === 'step' ? 'Step' : 'Tokens trained',
                legendPosition: 'middle',
                legendOffset: 36,
                format: (v) => formatCompact(Number(v)),
              }}
              axisLeft={{ tickSize: 0, tickPadding: 8, tickValues: yTicks, format: (v) => formatNumber(Number(v), 2) }}
              gridXValues={0}
              gridYValues={yTicks}
              sliceTooltip={({ slice }) => (
                <div className="chart-tooltip">
                  <div className="muted">
                    {view.xAxis === 'step' ? 'Step' : 'Tokens'} {formatCompact(Number(slice.points[0]?.data.x))}
                  </div>
                  {slice.points
                    .filter((p) => !String(p.seriesId).endsWith('(raw)') || view.smoothing > 0)
                    .map((point) => (
                      <div key={point.id}>
                        <span style={{ color: point.seriesColor }}>{String(point.seriesId).includes('alidation') ? '○' : '●'}</span> {String(point.seriesId)}:{' '}
                        <strong>{formatLoss(Number(point.data.y))}</strong>
                      </div>
                    ))}
                </div>
              )}
              role="presentation"
            />
          );
        }}
      </ChartFrame>
      {drag && Math.abs(drag.to - drag.from) >= MIN_DRAG_PX && (
        <div
          className="loss-chart-brush"
          style={{ left: MARGIN.left + Math.min(drag.from, drag.to), width: Math.abs(drag.to - drag.from), top: MARGIN.top, height: height - MARGIN.top - MARGIN.bottom }}
        />
      )}
    </div>
  );
}

interface ControlsProps {
  view: ChartView;
  update(change: Partial<ChartView>): void;
  /** Offer steps or tokens trained on the x axis (the comparison). */
  xAxisToggle?: boolean;
}

/** Smoothing, y scale, x axis and zoom reset: the controls above a loss chart. */
export function LossChartControls({ view, update, xAxisToggle = false }: ControlsProps) {
  return (
    <div className="loss-chart-controls" role="group" aria-label="Chart settings">
      <label className="loss-chart-control">
        Smoothing
        <input type="range" min={0} max={0.99} step={0.01} value={view.smoothing} onChange={(e) => update({ smoothing: Number(e.target.value) })} />
        <output>{view.smoothing.toFixed(2)}</output>
      </label>
      <label className="loss-chart-control">
        <input type="checkbox" checked={view.logScale} onChange={(e) => update({ logScale: e.target.checked })} />
        Log scale
      </label>
      {xAxisToggle && (
        <label className="loss-chart-control">
          X axis
          <select value={view.xAxis} onChange={(e) => update({ xAxis: e.target.value as ChartView['xAxis'], zoom: null })}>
            <option value="step">Step</option>
            <option value="tokens">Tokens trained</option>
          </select>
        </label>
      )}
      <button type="button" className="button button-small loss-chart-reset" disabled={!view.zoom} onClick={() => update({ zoom: null })}>
        Reset zoom
      </button>
      <span className="muted loss-chart-hint">{view.zoom ? 'Zoomed in.' : 'Drag across the chart to zoom.'}</span>
    </div>
  );
}
