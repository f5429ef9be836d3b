/**
 * The cohort retention triangle: one row per cohort, one column per period, each cell shaded by
 * retention. Incomplete cells are hatched, italic and starred, with the reason as a tooltip and
 * as an accessible description. A checkbox per row picks the cohort for the curves.
 */
import { useId, useMemo } from 'react';
import type { CSSProperties } from 'react';
import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { ColumnDef, RowSelectionState, Updater } from '@tanstack/react-table';
import type { CohortGranularity } from '../metrics/params.ts';
import type { RetentionCell } from '../metrics/retention.ts';
import { cellInterval } from '../metrics/retention.ts';
import { downloadText } from '../share/download.ts';
import {
  activeCount,
  cellRate,
  count,
  heatStyle,
  incompleteText,
  pct,
  triangleCsv,
  triangleRows,
} from './retention-cells.ts';
import type { RetentionMode, TriangleRow } from './retention-cells.ts';

export interface RetentionTriangleProps {
  cells: readonly RetentionCell[];
  mode: RetentionMode;
  granularity: CohortGranularity;
  /** Local date of the dataset end, `YYYY-MM-DD`. */
  dataEnd: string;
  /** Cohort starts chosen for the curves. */
  selected: readonly string[];
  maxSelected: number;
  onSelectedChange: (cohorts: string[]) => void;
}

const PERIOD = /^p(\d+)$/;
const CELL: CSSProperties = {
  padding: '2px 6px',
  textAlign: 'right',
  whiteSpace: 'nowrap',
  fontVariantNumeric: 'tabular-nums',
  fontSize: '0.85rem',
  lineHeight: 1.2,
  borderBottom: '1px solid var(--border)',
};
const STICKY: CSSProperties = {
  position: 'sticky',
  left: 0,
  zIndex: 1,
  background: 'var(--bg)',
};

function CellText({ cell, mode }: { cell: RetentionCell; mode: RetentionMode }) {
  return (
    <>
      {pct(cellRate(cell, mode))}
      {!cell.complete && <span aria-hidden="true">*</span>}
      <br />
      <span style={{ fontSize: '0.75rem' }}>({count(activeCount(cell, mode))})</span>
    </>
  );
}

export function RetentionTriangle(props: RetentionTriangleProps) {
  const { cells, mode, granularity, dataEnd, selected, maxSelected, onSelectedChange } = props;
  const uid = useId();
  const { rows, maxPeriod } = useMemo(() => triangleRows(cells), [cells]);
  const maxRate = useMemo(
    () => cells.reduce((m, c) => Math.max(m, cellRate(c, mode)), 0),
    [cells, mode],
  );
  const incompletePeriods = useMemo(
    () => [...new Set(cells.filter((c) => !c.complete).map((c) => c.period))],
    [cells],
  );
  const columns = useMemo<ColumnDef<TriangleRow, unknown>[]>(
    () => [
      {
        id: 'cohort',
        header: 'cohort start',
        cell: ({ row }) => (
          <label style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
            <input
              type="checkbox"
              aria-label={`Show cohort ${row.original.cohort_start} in the curves`}
              checked={row.getIsSelected()}
              disabled={!row.getCanSelect()}
              onChange={row.getToggleSelectedHandler()}
            />
            {row.original.cohort_start}
          </label>
        ),
      },
      { id: 'size', header: 'size', cell: ({ row }) => count(row.original.cohort_size) },
      {
        id: 'periods',
        header: `${granularity}s since signup`,
        columns: Array.from({ length: maxPeriod + 1 }, (_, k) => ({
          id: `p${k}`,
          header: String(k),
          cell: ({ row }) => {
            const cell = row.original.cells[k];
            return cell ? <CellText cell={cell} mode={mode} /> : null;
          },
        })),
      },
    ],
    [maxPeriod, mode, granularity],
  );
  const rowSelection = useMemo<RowSelectionState>(
    () => Object.fromEntries(selected.map((c) => [c, true])),
    [selected],
  );
  const onRowSelectionChange = (updater: Updater<RowSelectionState>) => {
    const next = typeof updater === 'function' ? updater(rowSelection) : updater;
    onSelectedChange(
      Object.keys(next)
        .filter((k) => next[k])
        .slice(0, maxSelected),
    );
  };
  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (r) => r.cohort_start,
    state: { rowSelection },
    enableRowSelection: (row) => row.getIsSelected() || selected.length < maxSelected,
    onRowSelectionChange,
    getCoreRowModel: getCoreRowModel(),
  });
  const descId = (k: number) => `${uid}-incomplete-${k}`;

  return (
    <div>
      <div style={{ display: 'flex', gap: 8, alignItems: 'baseline', flexWrap: 'wrap' }}>
        <h3 id={`${uid}-title`}>
          Retention by cohort ({mode === 'on' ? 'active in the period' : 'active in or after it'})
        </h3>
        <button
          type="button"
          className="small"
          onClick={() => downloadText(`retention-${granularity}.csv`, triangleCsv(cells))}
        >
          Download CSV
        </button>
      </div>
      <div
        className="data-table"
        role="region"
        aria-labelledby={`${uid}-title`}
        tabIndex={0}
        style={rows.length > 16 ? { maxHeight: '70vh', overflow: 'auto' } : undefined}
      >
        <table
          data-testid="retention-triangle"
          style={{ width: 'auto', borderCollapse: 'collapse' }}
          aria-labelledby={`${uid}-title`}
          aria-describedby={`${uid}-legend`}
        >
          <thead style={{ position: 'sticky', top: 0, zIndex: 2, background: 'var(--bg)' }}>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) =>
                  h.isPlaceholder ? (
                    <td key={h.id} style={h.column.id === 'cohort' ? STICKY : undefined} />
                  ) : (
                    <th
                      key={h.id}
                      scope={h.colSpan > 1 ? 'colgroup' : 'col'}
                      colSpan={h.colSpan}
                      style={{
                        ...(PERIOD.test(h.column.id) ? { textAlign: 'right' } : {}),
                        ...(h.column.id === 'cohort' ? STICKY : {}),
                        ...(h.colSpan > 1 ? { textAlign: 'center' } : {}),
                      }}
                    >
                      {flexRender(h.column.columnDef.header, h.getContext())}
                    </th>
                  ),
                )}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((c) => {
                  const content = flexRender(c.column.columnDef.cell, c.getContext());
                  if (c.column.id === 'cohort')
                    return (
                      <th key={c.id} scope="row" style={{ ...STICKY, whiteSpace: 'nowrap' }}>
                        {content}
                      </th>
                    );
                  const m = PERIOD.exec(c.column.id);
                  if (!m) return <td key={c.id}>{content}</td>;
                  const k = Number(m[1]);
                  const cell = row.original.cells[k];
                  // Beyond the data's end: an empty cell, no value to shade.
                  if (!cell) return <td key={c.id} style={CELL} />;
                  const ci = cellInterval(cell, mode);
                  const tip = cell.complete
                    ? `${row.id}, period ${k}: ${count(activeCount(cell, mode))} of ${count(cell.cohort_size)} users (95% CI ${pct(ci?.low)}–${pct(ci?.high)})`
                    : incompleteText(k, granularity, dataEnd);
                  return (
                    <td
                      key={c.id}
                      data-cohort={row.id}
                      data-period={k}
                      data-complete={String(cell.complete)}
                      title={tip}
                      aria-describedby={cell.complete ? undefined : descId(k)}
                      style={{
                        ...CELL,
                        ...heatStyle(cellRate(cell, mode), maxRate, cell.complete),
                      }}
                    >
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div hidden>
        {incompletePeriods.map((k) => (
          <span key={k} id={descId(k)}>
            {incompleteText(k, granularity, dataEnd)}
          </span>
        ))}
      </div>
      <p id={`${uid}-legend`} className="muted" style={{ fontSize: '0.85rem' }}>
        Darker cells retain more users (the darkest is {pct(maxRate)}); counts in brackets. *
        Incomplete (hatched): the period ends at or after the last, partial {granularity} of the
        data (data ends {dataEnd}), so it is left out of the averages. Pick up to {maxSelected}{' '}
        cohorts to draw their curves.
      </p>
    </div>
  );
}
