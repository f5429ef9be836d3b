/** Pure helpers of the retention curves: series from cells, rows for recharts, bucket steps. */
import type { CohortGranularity } from '../metrics/params.ts';
import type { CurvePoint, RetentionCell } from '../metrics/retention.ts';
import { addDays } from '../metrics/stats.ts';

export interface CurveSeriesPoint {
  period: number;
  retention: number | null;
  low?: number | null;
  high?: number | null;
}

export interface CurveSeries {
  /** A plain identifier (recharts reads dots in a dataKey as a path). */
  key: string;
  name: string;
  color: string;
  points: readonly CurveSeriesPoint[];
  /** An average: drawn thick, with its Wilson band. */
  average: boolean;
}

export type CurveRow = { period: number } & Record<string, number | null | [number, number]>;

/** Colours for chosen cohorts; the two averages keep blue and vermilion for themselves. */
export const COHORT_COLORS = ['#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#7f7f7f', '#332288'];
export const AVERAGE_COLORS = { surge: '#D55E00', pre: '#0072B2', all: '#0072B2' } as const;

/** The start of the cohort bucket after the one starting at `cohortStart`. */
export function nextBucket(g: CohortGranularity): (cohortStart: string) => string {
  if (g === 'day') return (d) => addDays(d, 1);
  if (g === 'week') return (d) => addDays(d, 7);
  return (d) => {
    const y = Number(d.slice(0, 4));
    const m = Number(d.slice(5, 7));
    return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  };
}

/** One chosen cohort's retention by period, complete cells only (as in the averages). */
export function cohortPoints(
  cells: readonly RetentionCell[],
  cohort: string,
  mode: 'on' | 'on_or_after',
): CurveSeriesPoint[] {
  return cells
    .filter((c) => c.cohort_start === cohort && c.complete && c.cohort_size > 0)
    .map((c) => ({
      period: c.period,
      retention: (mode === 'on' ? c.active_users : c.active_on_or_after) / c.cohort_size,
    }));
}

export const averagePoints = (curve: readonly CurvePoint[]): CurveSeriesPoint[] =>
  curve.map((p) => ({ period: p.period, retention: p.retention, low: p.low, high: p.high }));

export const bandKey = (key: string) => `${key}_band`;

/** Rows by period 0..maxPeriod: each series' value and, for averages, its [low, high] band. */
export function curveRows(series: readonly CurveSeries[], maxPeriod: number): CurveRow[] {
  const rows: CurveRow[] = Array.from({ length: maxPeriod + 1 }, (_, period) => ({ period }));
  for (const s of series) {
    for (const p of s.points) {
      const row = rows[p.period];
      if (!row) continue;
      row[s.key] = p.retention;
      if (s.average && p.low !== null && p.low !== undefined && p.high != null)
        row[bandKey(s.key)] = [p.low, p.high];
    }
  }
  return rows;
}
