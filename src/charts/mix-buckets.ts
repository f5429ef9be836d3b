/**
 * Plain arithmetic for the Content mix view, no React: bucket labels (`YYYY-MM-DD` or
 * `YYYY-MM-DDTHH:00`, local wall clock), the one time axis the small multiples and the drift
 * chart share (binned so recharts never gets more points than the charts have pixels), the
 * pivots those charts draw, the default windows and the default category selection.
 */
import type { CategoryShare, MixRow } from '../metrics/mix.ts';
import type { DriftRow } from '../metrics/drift.ts';
import { AUTHOR_GROUPS } from '../metrics/params.ts';
import type { AuthorGroup, Granularity, QueryContext } from '../metrics/params.ts';
import { addDays } from '../metrics/stats.ts';
import { utcToLocalMs } from '../metrics/time-zone.ts';
import type { WaveResult } from '../metrics/waves.ts';
import { bucketStartMs, labelMs, labelOf, nextBucketMs } from '../metrics/labels.ts';
import { byName } from './category-colors.ts';
import { formatBucket } from '../format/format.ts';

const DAY = 86_400_000;

/** Most points one chart draws; past it consecutive buckets are drawn as one. */
export const MAX_POINTS = 300;

export const GROUP_LABELS: Record<AuthorGroup, string> = {
  all: 'all authors',
  new: 'newcomers',
  existing: 'existing authors',
};

/* ---------- dates and windows ---------- */

/**
 * Whether a bucket is complete: it ends no later than the start of the dataset's last (partial)
 * bucket, and no later than the end of the date-range filter when one is set.
 */
export function completeBefore(ctx: QueryContext, g: Granularity): (label: string) => boolean {
  let cutoff = bucketStartMs(utcToLocalMs(ctx.range.endMs, ctx.tz), g);
  if (ctx.filters.to) cutoff = Math.min(cutoff, labelMs(ctx.filters.to) + DAY);
  return (label) => nextBucketMs(label, g) <= cutoff;
}

const localDate = (utcMs: number, tz: string) =>
  new Date(utcToLocalMs(utcMs, tz)).toISOString().slice(0, 10);

/** The last local date of the dataset. */
export function dataEndDate(ctx: QueryContext): string {
  return localDate(ctx.range.endMs, ctx.tz);
}

/** Every local date holding data (a day of margin each side): a window over all posts. */
export function wholeDataWindow(ctx: QueryContext): { from: string; to: string } {
  const { minMs, maxMs, endMs } = ctx.range;
  return {
    from: addDays(localDate(minMs, ctx.tz), -1),
    to: addDays(localDate(Math.max(maxMs, endMs), ctx.tz), 1),
  };
}

/** The first wave's dates (start to the last day of its end bucket), else the data's last 14 days. */
export function defaultMoversWindow(
  waves: WaveResult | null,
  ctx: QueryContext,
  g: Granularity,
): { from: string; to: string } {
  const wave = waves?.waves[0];
  if (wave) {
    const to =
      g === 'hour'
        ? wave.end.slice(0, 10)
        : new Date(nextBucketMs(wave.end, g) - DAY).toISOString().slice(0, 10);
    return { from: wave.start.slice(0, 10), to };
  }
  const to = dataEndDate(ctx);
  return { from: addDays(to, -13), to };
}

/* ---------- the shared time axis ---------- */

export interface MixAxis {
  /** Every bucket from the first to the last with posts, empty ones included: one time scale. */
  labels: string[];
  /** Position of each label in `labels`. */
  index: Map<string, number>;
  /** Buckets drawn as one point (1 unless there are more buckets than the charts' points). */
  step: number;
  /** Points drawn: x runs over 0 .. bins - 1. */
  bins: number;
  granularity: Granularity;
}

/** The labels of every bucket from `first` to `last` (inclusive). */
export function bucketLabels(first: string, last: string, g: Granularity): string[] {
  const out: string[] = [];
  const end = labelMs(last);
  for (let ms = labelMs(first); ms <= end;) {
    const label = labelOf(ms, g);
    out.push(label);
    ms = nextBucketMs(label, g);
  }
  return out;
}

/** The axis over the rows' buckets, binned to at most `maxPoints` points. */
export function mixAxis(
  rows: readonly { bucket_start: string }[],
  g: Granularity,
  maxPoints = MAX_POINTS,
): MixAxis {
  let first: string | null = null;
  let last: string | null = null;
  for (const r of rows) {
    if (first === null || r.bucket_start < first) first = r.bucket_start;
    if (last === null || r.bucket_start > last) last = r.bucket_start;
  }
  const labels = first !== null && last !== null ? bucketLabels(first, last, g) : [];
  const step = Math.max(1, Math.ceil(labels.length / Math.max(1, maxPoints)));
  return {
    labels,
    index: new Map(labels.map((l, i) => [l, i])),
    step,
    bins: Math.ceil(labels.length / step),
    granularity: g,
  };
}

/** First and last bucket of point `x`, or null outside the axis. */
export function binSpan(axis: MixAxis, x: number): { start: string; end: string } | null {
  if (!Number.isInteger(x) || x < 0 || x >= axis.bins) return null;
  const start = axis.labels[x * axis.step];
  const end = axis.labels[Math.min(axis.labels.length - 1, (x + 1) * axis.step - 1)];
  return start !== undefined && end !== undefined ? { start, end } : null;
}

const dateOf = (label: string) => label.slice(0, 10);

/** An axis tick: the first bucket of the point. */
export function pointTick(axis: MixAxis, x: number): string {
  const span = binSpan(axis, x);
  return span ? formatBucket(span.start, axis.granularity) : '';
}

/** A point's buckets as people read them: one bucket, or the first to the last when binned. */
export function pointLabel(axis: MixAxis, x: number): string {
  const span = binSpan(axis, x);
  if (!span) return '';
  const g = axis.granularity;
  return span.start === span.end
    ? formatBucket(span.start, g)
    : `${formatBucket(span.start, g)} to ${formatBucket(span.end, g)}`;
}

/**
 * Where a note (a bucket label or a date) falls on the axis: the bucket holding it, as a
 * (fractional, when binned) point position; null when it is outside the axis.
 */
export function noteX(axis: MixAxis, at: string): number | null {
  const { labels } = axis;
  const last = labels[labels.length - 1];
  if (last === undefined || labelMs(at) >= nextBucketMs(last, axis.granularity)) return null;
  let found = -1;
  for (let i = 0; i < labels.length; i++) {
    const b = labels[i] as string;
    if (b > at && dateOf(b) > dateOf(at)) break;
    if (b <= at || dateOf(b) === at) found = i;
  }
  return found < 0 ? null : found / axis.step;
}

/** The analyst's notes placed on the axis (those outside it are left out). */
export function notesOnAxis(
  axis: MixAxis,
  notes: readonly { at: string; text: string }[],
): { at: number; text: string }[] {
  const out: { at: number; text: string }[] = [];
  for (const n of notes) {
    const x = noteX(axis, n.at);
    if (x !== null) out.push({ at: x, text: `${n.at.replace('T', ' ')}: ${n.text}` });
  }
  return out;
}

/* ---------- category shares per point ---------- */

export interface MixSeries {
  /** Stable key (React, recharts): never collides between a category and the rest. */
  key: string;
  /** What people read. */
  label: string;
  /** The category, or null for the merged rest ("Other"). */
  category: string | null;
}

export interface MixPoint {
  /** Point position on the shared axis. */
  x: number;
  /** The group's posts in the point's buckets. */
  posts: number;
  /** Posts per series (same order as the series). */
  counts: number[];
  /** Share of `posts` per series, summing to 1. */
  shares: number[];
}

export interface MixPivot {
  /** The chosen categories in the order given, then "Other" (the rest) when anything is left. */
  series: MixSeries[];
  /** Points with posts by each group, in axis order. */
  groups: Record<AuthorGroup, MixPoint[]>;
}

export const OTHER_LABEL = 'Other';

/**
 * Shares per point and group of the chosen categories, every other category merged into "Other"
 * (so "Other" is exactly what was not chosen). Counts are summed over a point's buckets and
 * shares taken from the sums, so a binned point is the share of its posts. Categories are kept
 * in Maps and arrays, never as object keys, so any name ("__proto__") is safe.
 */
export function pivotMix(
  rows: readonly MixRow[],
  chosen: readonly string[],
  axis: MixAxis,
): MixPivot {
  const series: MixSeries[] = [];
  const column = new Map<string, number>();
  for (const c of chosen) {
    if (column.has(c)) continue;
    column.set(c, series.length);
    series.push({ key: `c:${c}`, label: c, category: c });
  }
  const rest = rows.some((r) => !column.has(r.category));
  const other = rest ? series.length : -1;
  if (rest) {
    const label = column.has(OTHER_LABEL) ? `${OTHER_LABEL} (rest)` : OTHER_LABEL;
    series.push({ key: 'other', label, category: null });
  }
  const groups = {} as Record<AuthorGroup, MixPoint[]>;
  const byGroup = new Map<AuthorGroup, (MixPoint | undefined)[]>();
  for (const g of AUTHOR_GROUPS) byGroup.set(g, new Array<MixPoint | undefined>(axis.bins));
  for (const r of rows) {
    const points = byGroup.get(r.group);
    const i = axis.index.get(r.bucket_start);
    if (!points || i === undefined) continue;
    const x = Math.floor(i / axis.step);
    let p = points[x];
    if (!p) {
      p = { x, posts: 0, counts: new Array<number>(series.length).fill(0), shares: [] };
      points[x] = p;
    }
    const n = Number(r.posts);
    const j = column.get(r.category) ?? other;
    p.counts[j] = (p.counts[j] ?? 0) + n;
    p.posts += n;
  }
  for (const g of AUTHOR_GROUPS) {
    const points = (byGroup.get(g) ?? []).filter(
      (p): p is MixPoint => p !== undefined && p.posts > 0,
    );
    for (const p of points) p.shares = p.counts.map((c) => c / p.posts);
    groups[g] = points;
  }
  return { series, groups };
}

/* ---------- drift per point ---------- */

/**
 * The mix rows summed over each point's buckets (one row per point, group and category, labelled
 * by the point's first bucket), shares taken from the sums. Unchanged when nothing is binned.
 */
export function binMixRows(rows: readonly MixRow[], axis: MixAxis): readonly MixRow[] {
  if (axis.step === 1) return rows;
  const cells = new Map<
    string,
    { label: string; group: AuthorGroup; posts: Map<string, number> }
  >();
  for (const r of rows) {
    const i = axis.index.get(r.bucket_start);
    if (i === undefined) continue;
    const x = Math.floor(i / axis.step);
    const key = `${x}:${r.group}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { label: axis.labels[x * axis.step] as string, group: r.group, posts: new Map() };
      cells.set(key, cell);
    }
    cell.posts.set(r.category, (cell.posts.get(r.category) ?? 0) + Number(r.posts));
  }
  const out: MixRow[] = [];
  for (const cell of cells.values()) {
    let total = 0;
    for (const n of cell.posts.values()) total += n;
    if (total <= 0) continue;
    for (const [category, posts] of cell.posts)
      out.push({
        bucket_start: cell.label,
        group: cell.group,
        category,
        posts,
        share: posts / total,
      });
  }
  return out;
}

export type DriftPoint = { x: number } & Partial<Record<AuthorGroup, number>>;

/** One object per point with a JSD per group present, in axis order; and the groups present. */
export function driftPoints(
  rows: readonly DriftRow[],
  axis: MixAxis,
): { points: DriftPoint[]; groups: AuthorGroup[] } {
  const byX = new Map<number, DriftPoint>();
  const seen = new Set<AuthorGroup>();
  for (const r of rows) {
    const i = axis.index.get(r.bucket_start);
    if (i === undefined) continue;
    const x = Math.floor(i / axis.step);
    let p = byX.get(x);
    if (!p) {
      p = { x };
      byX.set(x, p);
    }
    p[r.group] = r.jsd;
    seen.add(r.group);
  }
  const points = [...byX.values()].sort((a, b) => a.x - b.x);
  return { points, groups: AUTHOR_GROUPS.filter((g) => seen.has(g)) };
}

/** The group's drift in the latest complete bucket where it has posts, or null. */
export function lastCompleteDrift(
  rows: readonly DriftRow[],
  group: AuthorGroup,
  isComplete: (label: string) => boolean,
): DriftRow | null {
  let best: DriftRow | null = null;
  for (const r of rows) {
    if (r.group !== group || !isComplete(r.bucket_start)) continue;
    if (!best || r.bucket_start > best.bucket_start) best = r;
  }
  return best;
}

/* ---------- which categories are shown ---------- */

/** How many of the largest categories of each window the default selection takes. */
export const DEFAULT_TOP = 5;

const topByShare = (mix: readonly CategoryShare[], n: number) =>
  [...mix]
    .filter((c) => Number(c.posts) > 0)
    .sort((a, b) => b.share - a.share || byName(a.category, b.category))
    .slice(0, n)
    .map((c) => c.category);

/**
 * The default categories: the union of the `n` largest by share in the baseline window and the
 * `n` largest in the surge window (baseline ones first, each list largest first).
 */
export function defaultCategories(
  baseline: readonly CategoryShare[],
  surge: readonly CategoryShare[],
  n = DEFAULT_TOP,
): string[] {
  return [...new Set([...topByShare(baseline, n), ...topByShare(surge, n)])];
}

/** Categories in the order of `ranked` (colour order); names it does not hold last, by name. */
export function inRankOrder(categories: readonly string[], ranked: readonly string[]): string[] {
  const rank = new Map<string, number>();
  ranked.forEach((c, i) => {
    if (!rank.has(c)) rank.set(c, i);
  });
  return [...new Set(categories)].sort((a, b) => {
    const ra = rank.get(a) ?? Infinity;
    const rb = rank.get(b) ?? Infinity;
    return ra !== rb ? ra - rb : byName(a, b);
  });
}
