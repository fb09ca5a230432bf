// Gives a nivo chart its size (measured, so axes can thin their ticks on phones), a label for screen
// readers and a placeholder when there is no data.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  label: string;
  height?: number;
  empty?: ReactNode;
  children(width: number, height: number): ReactNode;
}

export function ChartFrame({ label, height = 260, empty, children }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="chart" style={{ height }} role="img" aria-label={label}>
      {empty ? <div className="chart-empty">{empty}</div> : width > 0 && children(width, height)}
    </div>
  );
}

/** At most one tick label per `spacing` pixels: every n-th of `values`. */
export function thinTicks<T>(values: readonly T[], width: number, spacing = 80): T[] {
  const every = Math.max(1, Math.ceil(values.length / Math.max(1, Math.floor(width / spacing))));
  return values.filter((_, i) => i % every === 0);
}
