// The list table every page uses: a header row of column names, one row per item, and on narrow screens each
// cell labelled with its column (data-label, read by the card layout in styles.css).
import type { HTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router';

export interface Column<Row> {
  /** The header; also each cell's data-label unless `cellLabel` says otherwise. */
  label: string;
  /** The header read by screen readers only (a column of checkboxes or buttons). */
  hideLabel?: boolean;
  cellLabel?: string;
  /** On the header and every cell: "num" right-aligns figures. */
  className?: string;
  cell(row: Row): ReactNode;
}

export function Table<Row extends { id: string }>({
  columns,
  rows,
  label,
  className,
  rowProps,
}: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  label?: string;
  className?: string;
  rowProps?: (row: Row) => HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };
}) {
  return (
    <div className="table-wrap">
      <table className={`table table-cards${className ? ` ${className}` : ''}`} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.className}>
                {column.hideLabel ? <span className="visually-hidden">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} {...rowProps?.(row)}>
              {columns.map((column) => (
                <td key={column.label} data-label={column.cellLabel ?? column.label} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A row's first cell: its name, linking to its page, over a line of detail. */
export function RowTitle({ to, name, detail }: { to: string; name: string; detail: ReactNode }) {
  return (
    <>
      <Link className="row-title" to={to}>
        {name}
      </Link>
      <div className="muted small">{detail}</div>
    </>
  );
}
