/**
 * The Content mix pivots: chosen categories with everything else as "Other", shares per point
 * summing to 1, the shared axis (gaps filled, binned past the point limit), notes on it, the
 * default category selection.
 */
import { describe, expect, it } from 'vitest';
import {
  binMixRows,
  bucketLabels,
  defaultCategories,
  driftPoints,
  inRankOrder,
  mixAxis,
  noteX,
  notesOnAxis,
  pivotMix,
} from '../../src/charts/mix-buckets.ts';
import { driftFromMix } from '../../src/metrics/drift.ts';
import type { CategoryShare, MixRow } from '../../src/metrics/mix.ts';
import type { AuthorGroup } from '../../src/metrics/params.ts';

/** Mix rows from posts per (bucket, group, category), shares as the SQL computes them. */
function mixRows(cells: [string, AuthorGroup, string, number][]): MixRow[] {
  const totals = new Map<string, number>();
  for (const [b, g, , n] of cells) totals.set(`${b}|${g}`, (totals.get(`${b}|${g}`) ?? 0) + n);
  return cells.map(([bucket_start, group, category, posts]) => ({
    bucket_start,
    group,
    category,
    posts,
    share: posts / (totals.get(`${bucket_start}|${group}`) as number),
  }));
}

const ROWS = mixRows([
  ['2025-01-01', 'all', 'a', 6],
  ['2025-01-01', 'all', 'b', 3],
  ['2025-01-01', 'all', 'c', 1],
  ['2025-01-01', 'existing', 'a', 6],
  ['2025-01-01', 'existing', 'b', 3],
  ['2025-01-01', 'existing', 'c', 1],
  // Jan 2 has no posts at all; Jan 3:
  ['2025-01-03', 'all', 'a', 1],
  ['2025-01-03', 'all', '__proto__', 2],
  ['2025-01-03', 'all', 'constructor', 1],
  ['2025-01-03', 'new', '__proto__', 2],
  ['2025-01-03', 'new', 'constructor', 1],
  ['2025-01-03', 'existing', 'a', 1],
]);

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('mixAxis', () => {
  it('covers every bucket from the first to the last, empty ones included', () => {
    const axis = mixAxis(ROWS, 'day');
    expect(axis.labels).toEqual(['2025-01-01', '2025-01-02', '2025-01-03']);
    expect(axis.step).toBe(1);
    expect(axis.bins).toBe(3);
  });

  it('steps hours, ISO weeks and months', () => {
    expect(bucketLabels('2025-01-01T22:00', '2025-01-02T01:00', 'hour')).toEqual([
      '2025-01-01T22:00',
      '2025-01-01T23:00',
      '2025-01-02T00:00',
      '2025-01-02T01:00',
    ]);
    expect(bucketLabels('2024-12-30', '2025-01-13', 'week')).toEqual([
      '2024-12-30',
      '2025-01-06',
      '2025-01-13',
    ]);
    expect(bucketLabels('2024-11-01', '2025-02-01', 'month')).toEqual([
      '2024-11-01',
      '2024-12-01',
      '2025-01-01',
      '2025-02-01',
    ]);
  });

  it('bins consecutive buckets when there are more than the points allowed', () => {
    const rows = mixRows(
      bucketLabels('2025-01-01T00:00', '2025-01-10T23:00', 'hour').map(
        (b, i) => [b, 'all', i % 2 ? 'a' : 'b', 1] as [string, AuthorGroup, string, number],
      ),
    );
    const axis = mixAxis(rows, 'hour', 100);
    expect(axis.labels.length).toBe(240);
    expect(axis.step).toBe(3);
    expect(axis.bins).toBe(80);
    const pivot = pivotMix(rows, ['a'], axis);
    expect(pivot.groups.all.length).toBe(80);
    for (const p of pivot.groups.all) {
      expect(p.posts).toBe(3);
      expect(sum(p.shares)).toBeCloseTo(1, 12);
    }
  });
});

describe('pivotMix', () => {
  it('merges every category not chosen into Other, last', () => {
    const axis = mixAxis(ROWS, 'day');
    const pivot = pivotMix(ROWS, ['b', 'a'], axis);
    expect(pivot.series.map((s) => [s.label, s.category])).toEqual([
      ['b', 'b'],
      ['a', 'a'],
      ['Other', null],
    ]);
    const [jan1, jan3] = pivot.groups.all;
    expect(jan1).toMatchObject({ x: 0, posts: 10, counts: [3, 6, 1] });
    expect(jan1?.shares).toEqual([0.3, 0.6, 0.1]);
    // Jan 2 had no posts: no point. Jan 3: Other = __proto__ + constructor.
    expect(jan3).toMatchObject({ x: 2, posts: 4, counts: [0, 1, 3] });
    expect(jan3?.shares).toEqual([0, 0.25, 0.75]);
  });

  it('has shares summing to 1 in every point of every group', () => {
    const axis = mixAxis(ROWS, 'day');
    for (const chosen of [[], ['a'], ['c', '__proto__'], ['a', 'b', 'c', '__proto__']]) {
      const pivot = pivotMix(ROWS, chosen, axis);
      for (const points of Object.values(pivot.groups))
        for (const p of points) {
          expect(sum(p.shares)).toBeCloseTo(1, 12);
          expect(sum(p.counts)).toBe(p.posts);
        }
    }
  });

  it('keeps the posts of each group apart', () => {
    const pivot = pivotMix(ROWS, ['a'], mixAxis(ROWS, 'day'));
    expect(pivot.groups.new).toEqual([{ x: 2, posts: 3, counts: [0, 3], shares: [0, 1] }]);
    expect(pivot.groups.existing.map((p) => p.posts)).toEqual([10, 1]);
  });

  it('has no Other when every category is chosen; an empty choice is all Other', () => {
    const axis = mixAxis(ROWS, 'day');
    const every = pivotMix(ROWS, ['a', 'b', 'c', '__proto__', 'constructor'], axis);
    expect(every.series.some((s) => s.category === null)).toBe(false);
    const none = pivotMix(ROWS, [], axis);
    expect(none.series).toEqual([{ key: 'other', label: 'Other', category: null }]);
    expect(none.groups.all.map((p) => p.shares)).toEqual([[1], [1]]);
  });

  it('is safe with category names that are object properties', () => {
    const axis = mixAxis(ROWS, 'day');
    const pivot = pivotMix(ROWS, ['__proto__', 'constructor', 'toString'], axis);
    expect(pivot.series.map((s) => s.label)).toEqual([
      '__proto__',
      'constructor',
      'toString',
      'Other',
    ]);
    const jan3 = pivot.groups.all[1];
    expect(jan3?.counts).toEqual([2, 1, 0, 1]);
    expect(jan3?.shares).toEqual([0.5, 0.25, 0, 0.25]);
    expect(Object.getPrototypeOf(jan3)).toBe(Object.prototype);
  });

  it('names the rest "Other (rest)" when a chosen category is called Other', () => {
    const rows = mixRows([
      ['2025-01-01', 'all', 'Other', 1],
      ['2025-01-01', 'all', 'x', 1],
    ]);
    const pivot = pivotMix(rows, ['Other'], mixAxis(rows, 'day'));
    expect(pivot.series.map((s) => [s.key, s.label, s.category])).toEqual([
      ['c:Other', 'Other', 'Other'],
      ['other', 'Other (rest)', null],
    ]);
  });

  it('ignores a chosen category twice', () => {
    const pivot = pivotMix(ROWS, ['a', 'a'], mixAxis(ROWS, 'day'));
    expect(pivot.series.map((s) => s.label)).toEqual(['a', 'Other']);
  });
});

describe('drift per point', () => {
  const baseline: CategoryShare[] = [
    { category: 'a', posts: 3, share: 0.75 },
    { category: 'b', posts: 1, share: 0.25 },
  ];

  it('puts each bucket at its place on the axis', () => {
    const axis = mixAxis(ROWS, 'day');
    const { points, groups } = driftPoints(driftFromMix(ROWS, baseline), axis);
    expect(points.map((p) => p.x)).toEqual([0, 2]);
    expect(groups).toEqual(['all', 'new', 'existing']);
    expect(points[1]?.new).toBe(1); // nothing in common with the baseline
  });

  it('sums the mix of binned buckets before taking the divergence', () => {
    const rows = mixRows([
      ['2025-01-01', 'all', 'a', 3],
      ['2025-01-02', 'all', 'b', 1],
    ]);
    const axis = mixAxis(rows, 'day', 1);
    const binned = binMixRows(rows, axis);
    expect(binned).toEqual([
      { bucket_start: '2025-01-01', group: 'all', category: 'a', posts: 3, share: 0.75 },
      { bucket_start: '2025-01-01', group: 'all', category: 'b', posts: 1, share: 0.25 },
    ]);
    const { points } = driftPoints(driftFromMix(binned, baseline), axis);
    expect(points).toEqual([{ x: 0, all: 0 }]);
  });
});

describe('notes on the axis', () => {
  const axis = mixAxis(ROWS, 'day');

  it('falls in the bucket holding it; outside the axis it is left out', () => {
    expect(noteX(axis, '2025-01-02')).toBe(1);
    expect(noteX(axis, '2025-01-03T15:00')).toBe(2);
    expect(noteX(axis, '2024-12-31')).toBeNull();
    expect(noteX(axis, '2025-01-04')).toBeNull();
    expect(notesOnAxis(axis, [{ at: '2025-01-03T15:00', text: 'outage' }])).toEqual([
      { at: 2, text: '2025-01-03 15:00: outage' },
    ]);
  });

  it('is placed inside its point when buckets are binned', () => {
    const binned = mixAxis(ROWS, 'day', 2);
    expect(binned.step).toBe(2);
    expect(noteX(binned, '2025-01-02')).toBe(0.5);
  });
});

describe('defaultCategories', () => {
  const shares = (xs: [string, number][]): CategoryShare[] => {
    const total = sum(xs.map(([, n]) => n));
    return xs.map(([category, posts]) => ({ category, posts, share: posts / total }));
  };

  it('is the union of the five largest in the baseline and in the surge window', () => {
    const baseline = shares([
      ['a', 50],
      ['b', 40],
      ['c', 30],
      ['d', 20],
      ['e', 10],
      ['f', 5],
    ]);
    const surge = shares([
      ['x', 100],
      ['a', 90],
      ['y', 80],
      ['b', 70],
      ['z', 60],
      ['c', 1],
    ]);
    expect(defaultCategories(baseline, surge)).toEqual(['a', 'b', 'c', 'd', 'e', 'x', 'y', 'z']);
    expect(defaultCategories(baseline, surge, 2)).toEqual(['a', 'b', 'x']);
  });

  it('breaks ties by name and skips windows without posts', () => {
    const tied = shares([
      ['q', 1],
      ['p', 1],
    ]);
    expect(defaultCategories(tied, [], 1)).toEqual(['p']);
    expect(defaultCategories([], [])).toEqual([]);
    expect(defaultCategories([], tied)).toEqual(['p', 'q']);
  });

  it('is drawn in the colour (rank) order, names not ranked last', () => {
    expect(inRankOrder(['x', 'a', 'zz', 'b', 'a'], ['b', 'a', 'x'])).toEqual(['b', 'a', 'x', 'zz']);
  });
});
