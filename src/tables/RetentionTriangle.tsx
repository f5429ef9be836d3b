/**
 * The cohort retention triangle: one row per cohort, one column per period, each cell shaded by
 * retention on a scale whose top is the highest complete cell. Incomplete cells are hatched,
 * italic and starred, with the reason as a tooltip and as an accessible description. A checkbox
 * per row picks the cohort for the curves. Styles (classes `ret-*`, the heat colour per colour
 * scheme) live in views/retention/retention.css, which the Retention view imports.
 */
import { memo, useId, useMemo } from 'react';
import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { ColumnDef, RowSelectionState, Updater } from '@tanstack/react-table';
import { formatBucket } from '../format/format.ts';
import type { CohortGranularity } from '../metrics/params.ts';
import type { RetentionCell } from '../metrics/retention.ts';
import { cellInterval } from '../metrics/retention-shape.ts';
import { downloadText } from '../share/download.ts';
import {
  activeCount,
  cellRate,
  count,
  heatDomain,
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

function CellText({ cell, mode }: { cell: RetentionCell; mode: RetentionMode }) {
  return (
    <>
      {pct(cellRate(cell, mode))}
      {!cell.complete && <span aria-hidden="true">*</span>}
      <br />
      <span className="ret-count">({count(activeCount(cell, mode))})</span>
    </>
  );
}

export const RetentionTriangle = memo(function RetentionTriangle(props: RetentionTriangleProps) {
  const { cells, mode, granularity, dataEnd, selected, maxSelected, onSelectedChange } = props;
  const uid = useId();
  const { rows, maxPeriod } = useMemo(() => triangleRows(cells), [cells]);
  const maxRate = useMemo(() => heatDomain(cells, mode), [cells, mode]);
  const incompletePeriods = useMemo(
    () => [...new Set(cells.filter((c) => !c.complete).map((c) => c.period))],
    [cells],
  );
  const columns = useMemo<ColumnDef<TriangleRow, unknown>[]>(
    () => [
      {
        id: 'cohort',
        header: 'cohort',
        cell: ({ row }) => {
          const label = formatBucket(row.original.cohort_start, granularity);
          return (
            <label className="ret-pick">
              <input
                type="checkbox"
                aria-label={`Show cohort ${label} in the curves`}
                checked={row.getIsSelected()}
                disabled={!row.getCanSelect()}
                onChange={row.getToggleSelectedHandler()}
              />
              {label}
            </label>
          );
        },
      },
      { id: 'size', header: 'users', cell: ({ row }) => count(row.original.cohort_size) },
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
    <div className="ret-triangle">
      <div className="ret-heading">
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
        className={`data-table ret-scroll${rows.length > 16 ? ' ret-tall' : ''}`}
        role="region"
        aria-labelledby={`${uid}-title`}
        tabIndex={0}
      >
        <table
          data-testid="retention-triangle"
          className="ret-table"
          aria-labelledby={`${uid}-title`}
          aria-describedby={`${uid}-legend`}
        >
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const cls = [
                    h.column.id === 'cohort' ? 'ret-sticky' : '',
                    PERIOD.test(h.column.id) ? 'ret-num' : '',
                    h.colSpan > 1 ? 'ret-span' : '',
                  ]
                    .filter(Boolean)
                    .join(' ');
                  return h.isPlaceholder ? (
                    <td key={h.id} className={cls || undefined} />
                  ) : (
                    <th
                      key={h.id}
                      scope={h.colSpan > 1 ? 'colgroup' : 'col'}
                      colSpan={h.colSpan}
                      className={cls || undefined}
                    >
                      {flexRender(h.column.columnDef.header, h.getContext())}
                    </th>
                  );
                })}
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
                      <th key={c.id} scope="row" className="ret-sticky">
                        {content}
                      </th>
                    );
                  const m = PERIOD.exec(c.column.id);
                  if (!m)
                    return (
                      <td key={c.id} className="ret-num">
                        {content}
                      </td>
                    );
                  const k = Number(m[1]);
                  const cell = row.original.cells[k];
                  // Beyond the data's end: an empty cell, no value to shade.
                  if (!cell) return <td key={c.id} className="ret-cell ret-empty" />;
                  const ci = cellInterval(cell, mode);
                  const tip = cell.complete
                    ? `Cohort ${formatBucket(row.id, granularity)}, period ${k}: ${count(activeCount(cell, mode))} of ${count(cell.cohort_size)} users (95% CI ${pct(ci?.low)}–${pct(ci?.high)})`
                    : incompleteText(k, granularity, dataEnd);
                  return (
                    <td
                      key={c.id}
                      data-cohort={row.id}
                      data-period={k}
                      data-complete={String(cell.complete)}
                      title={tip}
                      aria-describedby={cell.complete ? undefined : descId(k)}
                      className={`ret-cell${cell.complete ? '' : ' ret-incomplete'}`}
                      style={heatStyle(cellRate(cell, mode), maxRate)}
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
      <div id={`${uid}-legend`} className="muted ret-legend">
        <p className="ret-key">
          <span>0%</span>
          <span className="ret-key-bar" aria-hidden="true" style={heatStyle(1, 1)} />
          <span>{maxRate > 0 ? pct(maxRate) : 'no complete cell yet'}</span>
        </p>
        <p>
          <span className="ret-scheme-light">Darker</span>
          <span className="ret-scheme-dark">Brighter, more saturated</span> cells retain more users;
          the scale runs from 0% to the highest complete cell ({pct(maxRate)}), and incomplete cells
          above it are drawn at its colour. Counts of retained users in brackets. * Incomplete
          (hatched): the period ends at or after the last, partial {granularity} of the data (data
          ends {dataEnd}), so it is left out of the averages and the scale. Tick up to {maxSelected}{' '}
          cohorts to draw their own curves.
        </p>
      </div>
    </div>
  );
});
