/** One colour per category for a dataset: by whole-data rank, stable past the palette, Other grey. */
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_PALETTE,
  EXTRA_PALETTE,
  OTHER_COLOR,
  categoryColors,
  rankCategories,
} from '../../src/charts/category-colors.ts';
import { pivotMix, mixAxis } from '../../src/charts/mix-buckets.ts';
import type { MixRow } from '../../src/metrics/mix.ts';

const counts = [
  { category: 'news', posts: 40 },
  { category: 'art', posts: 90 },
  { category: 'memes', posts: 40 },
  { category: 'food', posts: 10 },
];

describe('rankCategories', () => {
  it('orders by posts, largest first, ties by name, whatever the input order', () => {
    expect(rankCategories(counts)).toEqual(['art', 'memes', 'news', 'food']);
    expect(rankCategories([...counts].reverse())).toEqual(['art', 'memes', 'news', 'food']);
  });
});

describe('categoryColors', () => {
  it('gives the palette in rank order', () => {
    const color = categoryColors(rankCategories(counts));
    expect(['art', 'memes', 'news', 'food'].map(color)).toEqual(CATEGORY_PALETTE.slice(0, 4));
  });

  it('gives a category the same colour however the counts arrive', () => {
    const a = categoryColors(rankCategories(counts));
    const b = categoryColors(rankCategories([...counts].reverse()));
    for (const c of counts) expect(a(c.category)).toBe(b(c.category));
  });

  it('gives the same colour in every group and whatever is chosen (one function per data)', () => {
    const color = categoryColors(rankCategories(counts));
    const rows: MixRow[] = [
      { bucket_start: '2025-01-01', group: 'all', category: 'news', posts: 2, share: 0.5 },
      { bucket_start: '2025-01-01', group: 'all', category: 'food', posts: 2, share: 0.5 },
      { bucket_start: '2025-01-01', group: 'new', category: 'news', posts: 1, share: 1 },
      { bucket_start: '2025-01-01', group: 'existing', category: 'news', posts: 1, share: 0.33 },
      { bucket_start: '2025-01-01', group: 'existing', category: 'food', posts: 2, share: 0.67 },
    ];
    const axis = mixAxis(rows, 'day');
    const one = pivotMix(rows, ['news'], axis).series.map((s) => color(s.category));
    const two = pivotMix(rows, ['food', 'news'], axis).series.map((s) => color(s.category));
    expect(one).toEqual([color('news'), OTHER_COLOR]);
    expect(two).toEqual([color('food'), color('news')]);
    expect(color('news')).toBe(CATEGORY_PALETTE[2]);
  });

  it('paints the merged rest grey, and no category grey', () => {
    const color = categoryColors(rankCategories(counts));
    expect(color(null)).toBe(OTHER_COLOR);
    expect(CATEGORY_PALETTE).not.toContain(OTHER_COLOR);
    expect(EXTRA_PALETTE).not.toContain(OTHER_COLOR);
    expect(new Set(CATEGORY_PALETTE).size).toBe(CATEGORY_PALETTE.length);
    expect(CATEGORY_PALETTE.length).toBeGreaterThanOrEqual(10);
  });

  it('gives categories past the palette a stable colour by name', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      category: `c${String(i).padStart(2, '0')}`,
      posts: 100 - i,
    }));
    const ranked = rankCategories(many);
    const color = categoryColors(ranked);
    const shuffled = categoryColors([...ranked.slice(12)].reverse().concat(ranked.slice(0, 12)));
    for (const c of ranked.slice(12)) {
      expect(EXTRA_PALETTE).toContain(color(c));
      // Past the palette the colour depends on the name only, not on the rank or the order.
      expect(categoryColors([])(c)).toBe(color(c));
    }
    // Names that moved into the palette take its colours; the rest keep theirs.
    expect(shuffled('c29')).toBe(CATEGORY_PALETTE[0]);
    expect(color('c29')).toBe(categoryColors([])('c29'));
    // Calling again, or for a name never ranked, is stable too.
    expect(color('c20')).toBe(color('c20'));
    expect(color('never seen')).toBe(categoryColors(['x'])('never seen'));
  });

  it('does not treat a category named like an object property specially', () => {
    const color = categoryColors(['__proto__', 'constructor', 'toString']);
    expect(color('__proto__')).toBe(CATEGORY_PALETTE[0]);
    expect(color('constructor')).toBe(CATEGORY_PALETTE[1]);
    expect(color('toString')).toBe(CATEGORY_PALETTE[2]);
    expect(EXTRA_PALETTE).toContain(color('hasOwnProperty'));
  });
});
