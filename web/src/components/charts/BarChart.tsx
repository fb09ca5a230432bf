// A nivo bar chart in a ChartFrame, in the house style: the primary colour unless told, rounded bars, the chart
// theme, no animation, the frame (not the SVG) named for screen readers. `bars(width)` gives the rest, measured.
import { Bar, type BarDatum, type BarSvgProps } from '@nivo/bar';
import type { ReactNode } from 'react';
import { ChartFrame } from './ChartFrame';
import { chartColors, chartTheme } from './theme';

type BarOptions<Datum extends BarDatum> = Omit<BarSvgProps<Datum>, 'width' | 'height' | 'theme' | 'animate' | 'role' | 'borderRadius'>;

export function BarChart<Datum extends BarDatum>({
  label,
  height,
  empty,
  bars,
}: {
  label: string;
  height?: number;
  empty?: ReactNode;
  bars: (width: number) => BarOptions<Datum>;
}) {
  return (
    <ChartFrame label={label} height={height} empty={empty}>
      {(width, frameHeight) => (
        <Bar<Datum> width={width} height={frameHeight} colors={[chartColors.primary]} theme={chartTheme} borderRadius={2} animate={false} role="presentation" {...bars(width)} />
      )}
    </ChartFrame>
  );
}
