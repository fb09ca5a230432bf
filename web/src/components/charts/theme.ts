// The look every nivo chart shares: the page's font, quiet axes and grid.
import type { BarDatum, BarSvgProps } from '@nivo/bar';

type Theme = NonNullable<BarSvgProps<BarDatum>['theme']>;

export const chartTheme: Theme = {
  text: { fontFamily: 'inherit', fontSize: 12, fill: '#475467' },
  axis: {
    domain: { line: { stroke: '#d0d5dd', strokeWidth: 1 } },
    ticks: { line: { stroke: '#d0d5dd', strokeWidth: 1 }, text: { fill: '#667085', fontSize: 11 } },
    legend: { text: { fill: '#475467', fontSize: 12, fontWeight: 500 } },
  },
  grid: { line: { stroke: '#eaecf0', strokeWidth: 1 } },
  crosshair: { line: { stroke: '#667085', strokeWidth: 1, strokeOpacity: 0.6 } },
  tooltip: { container: { fontSize: 12, borderRadius: 6, boxShadow: '0 4px 12px rgba(16,24,40,.12)' } },
  legends: { text: { fill: '#475467', fontSize: 12 } },
};

export const chartColors = {
  primary: '#4f46e5',
  secondary: '#0ea5e9',
  tertiary: '#f59e0b',
  good: '#12b76a',
  bad: '#f04438',
};
