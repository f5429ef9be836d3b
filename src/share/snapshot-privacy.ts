/**
 * A snapshot reveals no one. It carries only the results the views draw (ENTRY_SCHEMAS: never a
 * filter's value list), and every cell that counts fewer than `k` people is folded into "Other"
 * or hidden before it is packed:
 *
 * - values of a breakdown, an attribution, retention curves by a column, and categories of the
 *   mix: a value under k (in any of its counts) joins Other; while Other itself is under k the
 *   next smallest value joins it too, so no single small value can be recovered by subtraction;
 *   an Other still under k (the whole is small) is hidden;
 * - retention cells (a cohort's size, its active users) and curve points under k are hidden;
 * - a series of a filtered segment has its buckets under k drawn as 0.
 *
 * The whole data's series (everyone's signups, posts or active authors per bucket) describe no
 * one's attributes and fix the waves, the baseline and the surge start; they are kept exact, so
 * a snapshot's frame is the one its maker saw. Counts of posts stand in for people where a
 * result counts posts (the mix): fewer than k posts are fewer than k authors.
 */
import type { MixRow } from '../metrics/mix.ts';
import type { CurveRow, RetentionCell } from '../metrics/retention.ts';
import { entryKind, readEntry } from './snapshot-schema.ts';
import type { Entry, EntryValue } from './snapshot-schema.ts';

export const DEFAULT_K = 5;
export const MIN_K = 2;
export const MAX_K = 1_000;
export const OTHER = 'Other';

/** What folding did: rows folded into Other, cells hidden (dropped, or drawn as 0). */
export interface Folding {
  k: number;
  folded: number;
  hidden: number;
}

/** A count some person could be picked out of: more than none, fewer than k. */
export const underK = (n: number, k: number) => n > 0 && n < k;

/** A k the analyst typed, as the nearest allowed whole number. */
export function clampK(k: number): number {
  if (!Number.isFinite(k)) return DEFAULT_K;
  return Math.min(MAX_K, Math.max(MIN_K, Math.round(k)));
}

interface Foldable<T> {
  /** The counts of people (or posts) a row holds. */
  counts: (row: T) => number[];
  isOther: (row: T) => boolean;
  /** Row `b` added into `a` (a fresh Other row when `a` is undefined). */
  merge: (a: T | undefined, b: T) => T;
}

/**
 * Fold the rows of one cell group (a bucket's values, a wave's values) whose counts are under k
 * into one Other row. An Other under k takes the next smallest row until it is not, or nothing
 * is left; then, if still under k, it is hidden.
 */
function foldGroup<T>(rows: readonly T[], k: number, f: Foldable<T>, out: Folding): T[] {
  const small = (r: T) => f.counts(r).some((n) => underK(n, k));
  let other: T | undefined;
  const kept: T[] = [];
  for (const r of rows) {
    if (f.isOther(r)) other = f.merge(other, r);
    else if (small(r)) {
      other = f.merge(other, r);
      out.folded++;
    } else kept.push(r);
  }
  const size = (r: T) => f.counts(r).reduce((s, n) => s + n, 0);
  while (other !== undefined && small(other) && kept.length > 0) {
    let at = 0;
    kept.forEach((r, i) => {
      if (size(r) < size(kept[at] as T)) at = i;
    });
    other = f.merge(other, kept.splice(at, 1)[0] as T);
    out.folded++;
  }
  if (other !== undefined && small(other)) {
    out.hidden++;
    other = undefined;
  }
  return other === undefined ? kept : [...kept, other];
}

/** Rows grouped by a key, groups in first-seen order. */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const g = groups.get(key(r));
    if (g) g.push(r);
    else groups.set(key(r), [r]);
  }
  return [...groups.values()];
}

type BreakdownRow = EntryValue<'breakdown'>[number];
type AttributionRow = EntryValue<'attr'>[number];
type ShareRow = EntryValue<'mix-window'>[number];

const breakdownFold: Foldable<BreakdownRow> = {
  counts: (r) => [r.signups],
  isOther: (r) => r.value === OTHER,
  merge: (a, b) => ({
    bucket_start: b.bucket_start,
    value: OTHER,
    signups: (a?.signups ?? 0) + b.signups,
  }),
};

const attributionFold: Foldable<AttributionRow> = {
  counts: (r) => [r.wave_signups, r.baseline_signups],
  isOther: (r) => r.value === OTHER,
  // Expected, excess and share are linear in the counts: Other's are the sums.
  merge: (a, b) => ({
    value: OTHER,
    wave_signups: (a?.wave_signups ?? 0) + b.wave_signups,
    baseline_signups: (a?.baseline_signups ?? 0) + b.baseline_signups,
    expected: (a?.expected ?? 0) + b.expected,
    excess: (a?.excess ?? 0) + b.excess,
    share: (a?.share ?? 0) + b.share,
  }),
};

const shareFold: Foldable<ShareRow> = {
  counts: (r) => [r.posts],
  isOther: (r) => r.category === OTHER,
  merge: (a, b) => ({
    category: OTHER,
    posts: (a?.posts ?? 0) + b.posts,
    share: (a?.share ?? 0) + b.share,
  }),
};

const mixFold: Foldable<MixRow> = {
  counts: (r) => [r.posts],
  isOther: (r) => r.category === OTHER,
  merge: (a, b) => ({
    bucket_start: b.bucket_start,
    group: b.group,
    category: OTHER,
    posts: (a?.posts ?? 0) + b.posts,
    share: (a?.share ?? 0) + b.share,
  }),
};

/** A curve key's rows, folded as one (its people are its largest cohort size). */
interface CurveKey {
  key: string;
  rows: CurveRow[];
}

const curveFold: Foldable<CurveKey> = {
  counts: (c) => [Math.max(0, ...c.rows.map((r) => r.cohort_size))],
  isOther: (c) => c.key === OTHER,
  merge: (a, b) => {
    const byPeriod = new Map<number, CurveRow>();
    for (const r of [...(a?.rows ?? []), ...b.rows]) {
      const s = byPeriod.get(r.period);
      byPeriod.set(
        r.period,
        s
          ? {
              key: OTHER,
              period: r.period,
              cohort_size: s.cohort_size + r.cohort_size,
              active_users: s.active_users + r.active_users,
              active_on_or_after: s.active_on_or_after + r.active_on_or_after,
            }
          : { ...r, key: OTHER },
      );
    }
    return { key: OTHER, rows: [...byPeriod.values()].sort((x, y) => x.period - y.period) };
  },
};

/** Curve points: those with a cohort or active users under k are hidden. */
function hideCurveRows(rows: readonly CurveRow[], k: number, out: Folding): CurveRow[] {
  return rows.filter((r) => {
    const hide = [r.cohort_size, r.active_users, r.active_on_or_after].some((n) => underK(n, k));
    if (hide) out.hidden++;
    return !hide;
  });
}

function foldCurves(rows: readonly CurveRow[], k: number, out: Folding): CurveRow[] {
  const keys = groupBy(rows, (r) => r.key).map((rs) => ({ key: rs[0]?.key ?? '', rows: rs }));
  const folded = foldGroup(keys, k, curveFold, out).flatMap((c) => c.rows);
  return hideCurveRows(folded, k, out);
}

function hideCells(cells: readonly RetentionCell[], k: number, out: Folding): RetentionCell[] {
  return cells.filter((c) => {
    const hide = [c.cohort_size, c.active_users, c.active_on_or_after].some((n) => underK(n, k));
    if (hide) out.hidden++;
    return !hide;
  });
}

/**
 * Whether a series key is the whole data's (no segment filter). The views key the filtered
 * series with the context's segments as JSON; the whole data's has none and no date range.
 */
function isWholeSeries(key: string, segments: string | null): boolean {
  if (!key.includes(':null:null:[]:')) return false;
  return segments === null || !key.includes(segments);
}

/** One entry with its cells under k folded or hidden. */
function foldEntry(e: Entry, k: number, segments: string | null, out: Folding): Entry {
  switch (e.kind) {
    case 'ctx':
      return e;
    case 'series':
      if (isWholeSeries(e.key, segments)) return e;
      return {
        ...e,
        value: {
          ...e.value,
          points: e.value.points.map((p) => {
            if (!underK(p.value, k)) return p;
            out.hidden++;
            return { ...p, value: 0 };
          }),
        },
      };
    case 'breakdown':
      return {
        ...e,
        value: groupBy(e.value, (r) => r.bucket_start).flatMap((rs) =>
          foldGroup(rs, k, breakdownFold, out),
        ),
      };
    case 'attr':
      return { ...e, value: foldGroup(e.value, k, attributionFold, out) };
    case 'mix-rank':
      // The whole data's ranking fixes colours and lists the categories one can pick: a
      // category under k posts is left out (its cells are folded everywhere else).
      return {
        ...e,
        value: e.value.filter((r) => {
          if (underK(r.posts, k)) out.hidden++;
          return !underK(r.posts, k);
        }),
      };
    case 'mix-window':
      return { ...e, value: foldGroup(e.value, k, shareFold, out) };
    case 'mix':
      return {
        ...e,
        value: {
          ...e.value,
          rows: groupBy(e.value.rows, (r) => `${r.bucket_start}\u0000${r.group}`).flatMap((rs) =>
            foldGroup(rs, k, mixFold, out),
          ),
        },
      };
    case 'retention-triangle':
      return { ...e, value: { ...e.value, cells: hideCells(e.value.cells, k, out) } };
    case 'retention-groups':
      // Groups are the frame's (before, wave N, between), not anyone's values: nothing to fold.
      return { ...e, value: { ...e.value, rows: hideCurveRows(e.value.rows, k, out) } };
    case 'retention-values':
      return { ...e, value: { ...e.value, rows: foldCurves(e.value.rows, k, out) } };
  }
}

export interface Folded {
  entries: Entry[];
  folding: Folding;
  /**
   * Buckets of a segment's series hidden. When waves are detected in the segment, the opened
   * snapshot detects them without these, so its waves can differ from the maker's.
   */
  seriesHidden: number;
}

/**
 * The entries as a snapshot may carry them: every cell counting fewer than `k` people folded
 * into Other or hidden, and the keys stripped of counts (see {@link snapshotKey}).
 */
export function foldForSharing(entries: readonly Entry[], k: number): Folded {
  const out: Folding = { k: clampK(k), folded: 0, hidden: 0 };
  const ctx = entries.find((e) => e.kind === 'ctx');
  const segs = ctx?.kind === 'ctx' ? (ctx.value.filters.segments ?? []) : [];
  const segments = segs.length > 0 ? JSON.stringify(segs) : null;
  let seriesHidden = 0;
  const folded = entries.map((e) => {
    const before = out.hidden;
    const f = foldEntry(e, out.k, segments, out);
    if (e.kind === 'series') seriesHidden += out.hidden - before;
    return { ...f, key: snapshotKey(f.key) } as Entry;
  });
  return { entries: folded, folding: out, seriesHidden };
}

/** Figures of a wave or baseline that are counts (or where a count peaks), inside a key. */
const COUNTED_FIELDS =
  /"(peak|peak_signups|peak_multiple|signups|median|mad|threshold)":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|null|"[^"\\]*")/g;

/**
 * The key a snapshot stores a result under. An attribution's key names its wave and baseline
 * with their figures (the segment's peak, signups, median): those are masked, since they are
 * exact counts, and because a snapshot's segment series has its small buckets hidden, the
 * figures the opened view computes differ. The wave's dates still tell waves apart.
 */
export function snapshotKey(key: string): string {
  return key.startsWith('attr:') ? key.replace(COUNTED_FIELDS, '"$1":"~"') : key;
}

/**
 * The results a snapshot of the mounted views carries: those of the kinds views draw (a filter's
 * value list, the fingerprint and anything else are left behind), each read through its schema,
 * then folded for `k`. Throws when a drawn result does not pass the checks a snapshot meets on
 * opening (it could not be shown).
 */
export function shareableEntries(
  mounted: readonly (readonly [string, unknown])[],
  k: number,
): Folded {
  const read: Entry[] = [];
  for (const [key, value] of mounted) {
    if (entryKind(key) === null) continue;
    const r = readEntry(key, value);
    if (r.error !== null) throw new Error(`This view cannot be shared as a snapshot: ${r.error}.`);
    read.push(r.entry);
  }
  return foldForSharing(read, k);
}
