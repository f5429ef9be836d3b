/** A sortable table over @tanstack/react-table, with a formula-safe CSV download. */
import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
} from '@tanstack/react-table';
import type { ColumnDef, RowData, SortingState } from '@tanstack/react-table';
import { exportValue } from '../format/format.ts';
import { toSafeCsv } from '../share/csv-export.ts';
import { downloadText } from '../share/download.ts';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /**
     * The column's CSV cell: what the screen shows (numbering, units, rounding), as a number
     * where it is one. Default: format.ts `exportValue`.
     */
    csv?: (value: unknown) => string | number;
    /** The CSV header when the screen's text carries a unit the header must say (a %). */
    csvHeader?: string;
  }
}

export interface DataTableProps<T> {
  caption: string;
  columns: ColumnDef<T, unknown>[];
  data: T[];
  /** File name for the CSV download; no button when absent. */
  csvName?: string;
  testId?: string;
  maxRows?: number;
  /** Rows can be selected (click, or Enter/Space on the focused row). */
  onSelectRow?: (index: number) => void;
  /** The selected row's index in `data`. */
  selectedRow?: number | null;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useReactTable({
    data: props.data,
    columns: props.columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const rows = table.getRowModel().rows;
  const shown = props.maxRows ? rows.slice(0, props.maxRows) : rows;
  const exportCsv = () => {
    const leaf = table.getAllLeafColumns();
    const headers = leaf.map(
      (c) =>
        c.columnDef.meta?.csvHeader ??
        (typeof c.columnDef.header === 'string' ? c.columnDef.header : c.id),
    );
    // Every cell as the screen says it (numbering, units, rounding), sorted as shown.
    const body = rows.map((r) =>
      leaf.map((c) => (c.columnDef.meta?.csv ?? exportValue)(r.getValue(c.id))),
    );
    downloadText(props.csvName as string, toSafeCsv(headers, body));
  };
  return (
    <div className="data-table">
      <table data-testid={props.testId}>
        <caption>
          {props.caption}
          {props.csvName && (
            <button type="button" className="small" onClick={exportCsv}>
              Download CSV
            </button>
          )}
        </caption>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const sorted = h.column.getIsSorted();
                return (
                  <th
                    key={h.id}
                    scope="col"
                    aria-sort={
                      sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                    }
                  >
                    <button
                      type="button"
                      className="th-sort"
                      onClick={h.column.getToggleSortingHandler()}
                    >
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      <span aria-hidden="true">
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr
              key={r.id}
              {...(props.onSelectRow
                ? {
                    tabIndex: 0,
                    className: `selectable${props.selectedRow === r.index ? ' selected' : ''}`,
                    'aria-current': props.selectedRow === r.index ? ('true' as const) : undefined,
                    onClick: () => props.onSelectRow?.(r.index),
                    onKeyDown: (e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        props.onSelectRow?.(r.index);
                      }
                    },
                  }
                : {})}
            >
              {r.getVisibleCells().map((c) => (
                <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={props.columns.length} className="muted">
                No rows.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {props.maxRows && rows.length > props.maxRows ? (
        <p className="muted">
          Showing {props.maxRows} of {rows.length} rows; the CSV has them all.
        </p>
      ) : null}
    </div>
  );
}
