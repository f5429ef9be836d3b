/**
 * Each chart's text alternative: one sentence saying what it shows, and the numbers it draws as a
 * table (shown on request under the chart, and downloadable). Cells are written as the screen
 * writes them (thousands separators, percentages, bucket labels), so the table reads like the
 * chart and never shows a data name.
 */
import { formatBucket, formatCount, formatNumber, formatPercent } from '../format/format.ts';
import type { SeriesPoint } from '../metrics/series.ts';
import type { WaveResult } from '../metrics/waves.ts';
import type { AuthorGroup } from '../metrics/params.ts';
import type { CurveSeries } from './retention-curves-data.ts';
import type { DriftPoint, MixAxis, MixPoint, MixSeries } from './mix-buckets.ts';
import { GROUP_LABELS, pointLabel } from './mix-buckets.ts';

type Granularity = 'hour' | 'day' | 'week' | 'month';

export type ChartCell = string | number | null;

export interface ChartTable {
  /** What the chart shows, in one or two sentences (its text alternative). */
  summary: string;
  /** Column headers as people read them. */
  columns: readonly string[];
  /** Cells as the screen writes them. */
  rows: readonly (readonly ChartCell[])[];
}

const dateOf = (label: string) => label.slice(0, 10);

/** The largest entry of `values` with its index, or null when all are absent. */
function largest(values: readonly (number | null | undefined)[]): { i: number; v: number } | null {
  let best: { i: number; v: number } | null = null;
  values.forEach((v, i) => {
    if (typeof v === 'number' && (best === null || v > best.v)) best = { i, v };
  });
  return best;
}

/** The series over time (Waves): the buckets in the date range, each with its wave if any. */
export function seriesTable(
  points: readonly SeriesPoint[],
  view: WaveResult | null,
  g: Granularity,
  unit: string,
  range: { from: string | null; to: string | null },
): ChartTable {
  const shown = points.filter(
    (p) =>
      (range.from === null || dateOf(p.bucket_start) >= range.from) &&
      (range.to === null || dateOf(p.bucket_start) <= range.to),
  );
  const waves = view?.waves ?? [];
  const waveOf = (label: string) => {
    const n = waves.findIndex((w) => label >= w.start && label <= w.end);
    return n < 0 ? '' : `#${n + 1}`;
  };
  const first = shown[0];
  const last = shown[shown.length - 1];
  if (!first || !last) {
    return { summary: `No ${unit} in this range.`, columns: [], rows: [] };
  }
  let total = 0;
  let peak = first;
  for (const p of shown) {
    total += p.value;
    if (p.value > peak.value) peak = p;
  }
  const inRange = waves.filter((w) => w.end >= first.bucket_start && w.start <= last.bucket_start);
  const wavesText =
    inRange.length === 0
      ? 'no wave'
      : inRange.length === 1
        ? '1 wave'
        : `${formatCount(inRange.length)} waves`;
  const summary =
    `${capitalise(unit)} per ${g} from ${formatBucket(first.bucket_start, g)} to ` +
    `${formatBucket(last.bucket_start, g)}: ${formatCount(total)} in all, the most ` +
    `(${formatCount(peak.value)}) in ${formatBucket(peak.bucket_start, g)}; ${wavesText} in this range.`;
  let cumulative = 0;
  return {
    summary,
    columns: [capitalise(g), capitalise(unit), `Cumulative ${unit}`, 'Wave'],
    rows: shown.map((p) => {
      cumulative += p.value;
      return [
        formatBucket(p.bucket_start, g),
        formatCount(p.value),
        formatCount(cumulative),
        waveOf(p.bucket_start),
      ];
    }),
  };
}

/** A stacked breakdown (signups by a column's values): one column per value. */
export function breakdownTable(
  buckets: readonly Record<string, number | string>[],
  values: readonly string[],
  g: Granularity,
  what: string,
): ChartTable {
  const totals = values.map((v) =>
    buckets.reduce((s, b) => s + (typeof b[v] === 'number' ? b[v] : 0), 0),
  );
  const all = totals.reduce((a, b) => a + b, 0);
  const top = largest(totals);
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const span =
    first && last
      ? ` from ${formatBucket(String(first.bucket_start), g)} to ${formatBucket(String(last.bucket_start), g)}`
      : '';
  const summary =
    `${capitalise(what)} per ${g}${span}, stacked by ${formatCount(values.length)} values` +
    (top && all > 0
      ? `; the largest is ${values[top.i]} with ${formatCount(top.v)} (${formatPercent(top.v / all)}).`
      : '.');
  return {
    summary,
    columns: [capitalise(g), ...values, 'Total'],
    rows: buckets.map((b) => {
      const counts = values.map((v) => (typeof b[v] === 'number' ? b[v] : 0));
      return [
        formatBucket(String(b.bucket_start), g),
        ...counts.map((c) => formatCount(c)),
        formatCount(counts.reduce((a, c) => a + c, 0)),
      ];
    }),
  };
}

/** One author group's category shares per point. */
export function mixTable(
  axis: MixAxis,
  points: readonly MixPoint[],
  series: readonly MixSeries[],
  group: AuthorGroup,
): ChartTable {
  const last = points[points.length - 1];
  const top = last ? largest(last.shares) : null;
  const summary =
    `Share of each category in posts by ${GROUP_LABELS[group]}, per ${axis.granularity}` +
    (last && top
      ? `; in ${pointLabel(axis, last.x)} the largest is ${series[top.i]?.label ?? ''} at ${formatPercent(top.v)} of ${formatCount(last.posts)} posts.`
      : '.');
  return {
    summary,
    columns: [capitalise(axis.granularity), 'Posts', ...series.map((s) => `${s.label} (%)`)],
    rows: points.map((p) => [
      pointLabel(axis, p.x),
      formatCount(p.posts),
      ...series.map((_, i) => formatPercent(p.shares[i] ?? 0)),
    ]),
  };
}

/** The drift score (JSD) per point and author group. */
export function driftTable(
  axis: MixAxis,
  points: readonly DriftPoint[],
  groups: readonly AuthorGroup[],
): ChartTable {
  const last = [...points].reverse().find((p) => groups.some((g) => typeof p[g] === 'number'));
  const latest = last
    ? groups
        .filter((g) => typeof last[g] === 'number')
        .map((g) => `${GROUP_LABELS[g]} ${formatNumber(last[g] as number, 2)}`)
        .join(', ')
    : '';
  const summary =
    `Drift of each author group's category mix from the baseline mix (0 = the same mix, 1 = ` +
    `nothing in common), per ${axis.granularity}` +
    (last ? `; in ${pointLabel(axis, last.x)}: ${latest}.` : '.');
  return {
    summary,
    columns: [capitalise(axis.granularity), ...groups.map((g) => `Drift, ${GROUP_LABELS[g]}`)],
    rows: points.map((p) => [
      pointLabel(axis, p.x),
      ...groups.map((g) => {
        const v = p[g];
        return typeof v === 'number' ? formatNumber(v, 3) : '';
      }),
    ]),
  };
}

/** Retention curves: one row per period, one column per drawn series. */
export function curvesTable(series: readonly CurveSeries[], g: string): ChartTable {
  const drawn = series.filter((s) => s.points.length > 0);
  const periods = [...new Set(drawn.flatMap((s) => s.points.map((p) => p.period)))].sort(
    (a, b) => a - b,
  );
  const at = (s: CurveSeries, period: number) =>
    s.points.find((p) => p.period === period)?.retention ?? null;
  const one = periods.find((p) => p > 0);
  const atOne =
    one === undefined
      ? ''
      : drawn
          .map((s) => ({ s, v: at(s, one) }))
          .filter((x): x is { s: CurveSeries; v: number } => x.v !== null)
          .map((x) => `${x.s.name} ${formatPercent(x.v)}`)
          .join(', ');
  const summary =
    drawn.length === 0
      ? 'No cohort has a complete period yet.'
      : `Share of each cohort group still active ${g === 'day' ? 'each day' : `each ${g}`} after signup, ` +
        `for ${formatCount(drawn.length)} ${drawn.length === 1 ? 'curve' : 'curves'}` +
        (atOne ? `; ${g} ${one}: ${atOne}.` : '.');
  return {
    summary,
    columns: [`${capitalise(g)} since signup`, ...drawn.map((s) => s.name)],
    rows: periods.map((p) => [
      String(p),
      ...drawn.map((s) => {
        const v = at(s, p);
        return v === null ? '' : formatPercent(v);
      }),
    ]),
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
