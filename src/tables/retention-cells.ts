/**
 * Pure helpers of the retention triangle: rows by cohort, cell values, the colour scale (its
 * domain taken from complete cells only), the period-0 note and the CSV download.
 */
import type { CSSProperties } from 'react';
import {
  exportRounded,
  exportValue,
  formatCount,
  formatPercent,
  humanLabel,
} from '../format/format.ts';
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

/** A share for people ("35.2%"), '—' when missing. */
export const pct = (x: number | null | undefined, digits = 1): string => formatPercent(x, digits);

/** A count for people ("1,204"). */
export const count = (n: number): string => formatCount(n);

/**
 * The top of the colour scale: the highest retention among complete cells. Incomplete cells
 * (few days of a partial bucket, small and noisy) never set it; they are drawn clamped to it.
 * 0 when no cell is complete yet.
 */
export function heatDomain(cells: readonly RetentionCell[], mode: RetentionMode): number {
  let max = 0;
  for (const c of cells)
    if (c.complete && c.cohort_size > 0) max = Math.max(max, cellRate(c, mode));
  return max;
}

/**
 * How much of the heat colour a cell gets, in percent: linear in retention relative to the
 * domain's top, capped at `MAX_MIX` so the theme's text keeps at least 4.5:1 contrast on the
 * strongest cell in both colour schemes (retention.css sets the heat colour per scheme).
 */
export const MAX_MIX = 75;

export function heatLevel(rate: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(rate)) return 0;
  return Math.round(MAX_MIX * Math.min(1, Math.max(0, rate / max)));
}

/** The cell's share of the heat colour, as the custom property retention.css mixes with. */
export function heatStyle(rate: number, max: number): CSSProperties {
  return { '--ret-mix': `${heatLevel(rate, max)}%` } as CSSProperties;
}

/** Why an incomplete cell is left out of the averages and the colour scale. */
export function incompleteText(period: number, g: CohortGranularity, dataEnd: string): string {
  return `Incomplete: period ${period} of this cohort ends at or after the last, partial ${g} of the data (data ends ${dataEnd}), so it is left out of the averages and the colour scale`;
}

export interface PeriodZeroShortfall {
  /** Cohorts whose period 0 is below 100% under the mode. */
  below: number;
  /** Cohorts with users. */
  cohorts: number;
  /** Period-0 retention over all cohorts (users active in period 0 / users). */
  rate: number;
}

/**
 * When period 0 is below 100% in some cohort: users who signed up but posted only in a later
 * period, or never ("On"), or never posted at all ("On or after"), are not active in period 0.
 * null when every cohort's period 0 is 100% (or there are no users), so no note is needed.
 */
export function periodZeroShortfall(
  cells: readonly RetentionCell[],
  mode: RetentionMode,
): PeriodZeroShortfall | null {
  let below = 0;
  let cohorts = 0;
  let active = 0;
  let size = 0;
  for (const c of cells) {
    if (c.period !== 0 || c.cohort_size <= 0) continue;
    cohorts++;
    active += activeCount(c, mode);
    size += c.cohort_size;
    if (activeCount(c, mode) < c.cohort_size) below++;
  }
  return below > 0 ? { below, cohorts, rate: active / size } : null;
}

/** The note shown next to the triangle and the curves when period 0 is below 100%. */
export function periodZeroNote(
  s: PeriodZeroShortfall,
  mode: RetentionMode,
  g: CohortGranularity,
): string {
  const where = s.below === s.cohorts ? `in every cohort` : `in ${s.below} of ${s.cohorts} cohorts`;
  const head = `Period 0 is below 100% ${where} (${pct(s.rate)} overall).`;
  return mode === 'on'
    ? `${head} Under “On” period 0 counts users who posted in their signup ${g}; users who signed up but posted only in a later ${g}, or never, are not active in period 0.`
    : `${head} Under “On or after” period 0 counts users who posted at any time after signing up; users who never posted are not counted.`;
}

const CSV_COLUMNS = [
  'cohort_start',
  'cohort_size',
  'period',
  'active_users',
  'retention',
  'active_on_or_after',
  'retention_on_or_after',
  'complete',
] as const;

/** Every cell, both modes, one line each, with headers people can read. */
export function triangleCsv(cells: readonly RetentionCell[]): string {
  return toSafeCsv(
    // Rates as the screen shows them: percentages to one decimal, the unit in the header.
    CSV_COLUMNS.map((c) => (c.startsWith('retention') ? `${humanLabel(c)} (%)` : humanLabel(c))),
    cells.map((c) => [
      c.cohort_start,
      exportValue(c.cohort_size, 'count'),
      c.period,
      exportValue(c.active_users, 'count'),
      exportRounded(cellRate(c, 'on'), 1, 100),
      exportValue(c.active_on_or_after, 'count'),
      exportRounded(cellRate(c, 'on_or_after'), 1, 100),
      c.complete ? 'yes' : 'no',
    ]),
  );
}
