// The row every benchmark returns, and a plain-text table of rows for the terminal and the recorded figures.

export interface BenchRow {
  figure: string;
  ours: number;
  baseline: number | null;
  unit: string;
  /** ours ÷ baseline, when there is a baseline. */
  ratio: number | null;
  target?: string;
  pass?: boolean;
  note?: string;
}

/** The rows as an aligned text table. */
export function formatBenchRows(rows: BenchRow[]): string {
  // Two decimals, or two significant digits for a small ratio (a push beside a 35 s poll is 0.00054).
  const number = (value: number | null): string => (value === null ? '' : value !== 0 && Math.abs(value) < 0.01 ? value.toPrecision(2) : String(Math.round(value * 100) / 100));
  const table = [
    ['figure', 'ours', 'baseline', 'unit', 'ratio', 'target', 'pass', 'note'],
    ...rows.map((row) => [
      row.figure,
      number(row.ours),
      number(row.baseline),
      row.unit,
      number(row.ratio),
      row.target ?? '',
      row.pass === undefined ? '' : row.pass ? 'yes' : 'NO',
      row.note ?? '',
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  return table
    .map((cells) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
