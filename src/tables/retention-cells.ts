/** Pure helpers of the retention triangle: rows by cohort, cell values, heat colours, CSV. */
import type { CSSProperties } from 'react';
import type { CohortGranularity } from '../metrics/params.ts';
import type { RetentionCell } from '../metrics/retention.ts';
import { toSafeCsv } from '../share/csv-export.ts';

export type RetentionMode = 'on' | 'on_or_after';

export interface TriangleRow {
  cohort_start: string;
  cohort_size: number;
  /** Indexed by period; a hole where the period starts after the data's end. */
  cells: (RetentionCell | undefined)[];
}

/** One row per cohort (oldest first) and the largest period any cohort reaches. */
export function triangleRows(cells: readonly RetentionCell[]): {
  rows: TriangleRow[];
  maxPeriod: number;
} {
  const byCohort = new Map<string, TriangleRow>();
  let maxPeriod = -1;
  for (const c of cells) {
    let row = byCohort.get(c.cohort_start);
    if (!row) {
      row = { cohort_start: c.cohort_start, cohort_size: c.cohort_size, cells: [] };
      byCohort.set(c.cohort_start, row);
    }
    row.cells[c.period] = c;
    maxPeriod = Math.max(maxPeriod, c.period);
  }
  const rows = [...byCohort.values()].sort((a, b) => a.cohort_start.localeCompare(b.cohort_start));
  return { rows, maxPeriod };
}

/** Users counted as retained in the cell under `mode`. */
export function activeCount(cell: RetentionCell, mode: RetentionMode): number {
  return mode === 'on' ? cell.active_users : cell.active_on_or_after;
}

export function cellRate(cell: RetentionCell, mode: RetentionMode): number {
  return cell.cohort_size > 0 ? activeCount(cell, mode) / cell.cohort_size : 0;
}

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : `${(x * 100).toFixed(digits)}%`;
}

export const count = (n: number) => n.toLocaleString('en-US');

/**
 * The heat colour mixes the accent into the page background, linear in retention relative to
 * the table's highest cell, capped at 75% so the theme's own text colour keeps at least 4.5:1
 * contrast both on white (light theme) and on #0d1117 (dark theme).
 */
const HEAT = '#0072B2';
const MAX_MIX = 75;

export function heatStyle(rate: number, maxRate: number, complete: boolean): CSSProperties {
  const mix = maxRate > 0 ? Math.round(MAX_MIX * Math.min(1, Math.max(0, rate / maxRate))) : 0;
  const fill = `color-mix(in srgb, ${HEAT} ${mix}%, var(--bg))`;
  return {
    background: complete
      ? fill
      : `repeating-linear-gradient(135deg, transparent 0 5px, color-mix(in srgb, var(--fg) 22%, transparent) 5px 7px), ${fill}`,
    color: 'var(--fg)',
    fontStyle: complete ? 'normal' : 'italic',
  };
}

/** Why an incomplete cell is left out of the averages. */
export function incompleteText(period: number, g: CohortGranularity, dataEnd: string): string {
  return `Incomplete: period ${period} of this cohort ends at or after the last, partial ${g} of the data (data ends ${dataEnd})`;
}

const CSV_HEADERS = [
  'cohort_start',
  'cohort_size',
  'period',
  'active_users',
  'retention',
  'active_on_or_after',
  'retention_on_or_after',
  'complete',
];

/** Every cell, both modes, one line each. */
export function triangleCsv(cells: readonly RetentionCell[]): string {
  return toSafeCsv(
    CSV_HEADERS,
    cells.map((c) => [
      c.cohort_start,
      c.cohort_size,
      c.period,
      c.active_users,
      c.retention,
      c.active_on_or_after,
      cellRate(c, 'on_or_after'),
      c.complete,
    ]),
  );
}
