/**
 * Pure helpers of the retention curves: average curves by wave group or by a signup column's
 * values (names, order and colours people see), chosen cohorts' curves, rows for recharts, and
 * why a curve has no point at a period.
 */
import { formatBucket } from '../format/format.ts';
import { GROUP_BEFORE, GROUP_BETWEEN, groupNames } from '../metrics/frame.ts';
import type { GroupSpans } from '../metrics/frame.ts';
import type { CohortGranularity } from '../metrics/params.ts';
import { OTHER } from '../metrics/retention.ts';
import { cellInterval, withIntervals } from '../metrics/retention-shape.ts';
import type { CurveRow, RetentionCell } from '../metrics/retention.ts';

export type RetentionMode = 'on' | 'on_or_after';

export interface CurveSeriesPoint {
  period: number;
  retention: number | null;
  low?: number | null;
  high?: number | null;
  /** Users retained and users counted (averages: summed over complete cells). */
  active?: number;
  size?: number;
}

export interface CurveSeries {
  /** A plain identifier (recharts reads dots in a dataKey as a path). */
  key: string;
  /** The group or value as data names it (`before`, `wave 1`, a column value, `Other`). */
  id: string;
  /** What people read. */
  name: string;
  color: string;
  /** Complete cells only; empty when the group has none yet. */
  points: readonly CurveSeriesPoint[];
  /** An average: drawn thick, with its Wilson band. */
  average: boolean;
}

/** What the average curves are split by. */
export type CurvesBy = { kind: 'group'; spans: GroupSpans } | { kind: 'segment' };

export type ChartRow = { period: number } & Record<string, number | null | [number, number]>;

/**
 * Line colours with at least 3:1 contrast on both the light (#ffffff) and the dark (#0d1117)
 * page, distinct in hue (Okabe-Ito, completed with mid-tone ochre, violet, teal, olive, rose).
 * Grey is kept for the catch-all series (between waves, Other).
 */
export const SERIES_COLORS = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#B8860B',
  '#8E6BD1',
  '#1F8A9A',
  '#999933',
  '#CC6677',
] as const;
export const REST_COLOR = '#7f7f7f';

const colorAt = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length] as string;

/** Group keys in display order: before, wave 1, ..., between (only "before" with no surge). */
export function groupOrder(spans: GroupSpans): string[] {
  return spans.surgeUtcMs === null ? [GROUP_BEFORE] : groupNames(spans);
}

/** A wave group's name for people. With no surge start every user is in "before". */
export function groupLabel(key: string, hasSurge: boolean): string {
  if (key === GROUP_BEFORE) return hasSurge ? 'before the surge' : 'all users';
  if (key === GROUP_BETWEEN) return 'between or after waves';
  return key;
}

/** Blue for before the surge, grey for between waves, the other colours for waves in turn. */
export function groupColor(key: string, order: readonly string[]): string {
  if (key === GROUP_BEFORE) return colorAt(0);
  if (key === GROUP_BETWEEN) return REST_COLOR;
  const i = order.indexOf(key);
  return colorAt(1 + ((i < 1 ? 0 : i - 1) % (SERIES_COLORS.length - 1)));
}

/** Column values by users (period 0 of complete cohorts: the most users), Other last. */
export function segmentOrder(rows: readonly CurveRow[]): string[] {
  const users = new Map<string, number>();
  for (const r of rows) users.set(r.key, Math.max(users.get(r.key) ?? 0, r.cohort_size));
  return [...users.entries()]
    .sort(
      ([a, na], [b, nb]) =>
        Number(a === OTHER) - Number(b === OTHER) || nb - na || a.localeCompare(b),
    )
    .map(([k]) => k);
}

/**
 * Average curves (weighted over complete cells, Wilson 95% bands) in display order. By group:
 * every group of the frame, even one with no point yet (the table says why). By segment: the
 * values the rows hold, most users first, Other last.
 */
export function averageSeries(
  rows: readonly CurveRow[],
  by: CurvesBy,
  mode: RetentionMode,
): CurveSeries[] {
  const order = by.kind === 'group' ? groupOrder(by.spans) : segmentOrder(rows);
  const points = new Map<string, CurveSeriesPoint[]>(order.map((k) => [k, []]));
  for (const p of withIntervals(rows, order, mode)) {
    // Rows of a group the frame does not name (none expected) are left out, not mislabelled.
    points.get(p.group)?.push({
      period: p.period,
      retention: p.retention,
      low: p.ci_low,
      high: p.ci_high,
      active: p.active_users,
      size: p.cohort_size,
    });
  }
  const hasSurge = by.kind === 'group' && by.spans.surgeUtcMs !== null;
  return order.map((id, i) => ({
    key: `a${i}`,
    id,
    name: by.kind === 'group' ? groupLabel(id, hasSurge) : id,
    color: by.kind === 'group' ? groupColor(id, order) : id === OTHER ? REST_COLOR : colorAt(i),
    points: points.get(id) ?? [],
    average: true,
  }));
}

/** One chosen cohort's retention by period with its Wilson interval, complete cells only. */
export function cohortPoints(
  cells: readonly RetentionCell[],
  cohort: string,
  mode: RetentionMode,
): CurveSeriesPoint[] {
  return cells
    .filter((c) => c.cohort_start === cohort && c.complete && c.cohort_size > 0)
    .map((c) => {
      const active = mode === 'on' ? c.active_users : c.active_on_or_after;
      const ci = cellInterval(c, mode);
      return {
        period: c.period,
        retention: active / c.cohort_size,
        low: ci?.low ?? null,
        high: ci?.high ?? null,
        active,
        size: c.cohort_size,
      };
    });
}

/** Colours of chosen cohorts' (dashed) lines: the series colours from the other end. */
const cohortColor = (i: number) =>
  SERIES_COLORS[SERIES_COLORS.length - 1 - (i % SERIES_COLORS.length)] as string;

/** The chosen cohorts that exist in the cells, as thin dashed curves. */
export function cohortSeries(
  cells: readonly RetentionCell[],
  chosen: readonly string[],
  mode: RetentionMode,
  g: CohortGranularity,
): CurveSeries[] {
  const present = new Set(cells.map((c) => c.cohort_start));
  return chosen
    .filter((c) => present.has(c))
    .map((c, i) => ({
      key: `c${i}`,
      id: c,
      name: `cohort ${formatBucket(c, g)}`,
      color: cohortColor(i),
      points: cohortPoints(cells, c, mode),
      average: false,
    }));
}

export const bandKey = (key: string) => `${key}_band`;

/** The last period any series has a point at (at least 1, so the axis has a width). */
export function maxPeriodOf(series: readonly CurveSeries[]): number {
  let max = 1;
  for (const s of series) for (const p of s.points) max = Math.max(max, p.period);
  return max;
}

/** Rows by period 0..maxPeriod: each series' value and, for averages, its [low, high] band. */
export function curveRows(series: readonly CurveSeries[], maxPeriod: number): ChartRow[] {
  const rows: ChartRow[] = Array.from({ length: maxPeriod + 1 }, (_, period) => ({ period }));
  for (const s of series) {
    for (const p of s.points) {
      const row = rows[p.period];
      if (!row) continue;
      row[s.key] = p.retention;
      if (s.average && p.low != null && p.high != null) row[bandKey(s.key)] = [p.low, p.high];
    }
  }
  return rows;
}

/** The span of signup instants a wave group covers (between: from the surge start on). */
export function groupSpan(key: string, spans: GroupSpans): { start: number; end: number } {
  const surge = spans.surgeUtcMs;
  if (key === GROUP_BEFORE) return { start: -Infinity, end: surge ?? Infinity };
  if (key === GROUP_BETWEEN) return { start: surge ?? Infinity, end: Infinity };
  const wave = spans.waves[Number(key.replace(/^wave /, '')) - 1];
  return wave ? { start: wave.startUtcMs, end: wave.endUtcMs } : { start: 0, end: 0 };
}

/**
 * Why a curve has no point at period `k`. A curve has points only over complete cells, so with
 * none at all either its group has no users, or all of them signed up in the last, partial
 * bucket (starting at `lastBucketStartUtcMs`): the group's span tells which, where it can.
 * `span` null (a column value): the value has users, so they are all in the last bucket.
 */
export function missingReason(
  series: CurveSeries,
  k: number,
  g: CohortGranularity,
  span: { start: number; end: number } | null,
  lastBucketStartUtcMs: number,
): string {
  if (series.points.length > 0) return `no complete ${g}-${k} cell yet`;
  const lastOnly = `no complete cell yet: its users signed up in the last, partial ${g}`;
  if (span === null || span.start >= lastBucketStartUtcMs) return lastOnly;
  if (span.end <= lastBucketStartUtcMs) return 'no users';
  return `no users before the last, partial ${g}`;
}
