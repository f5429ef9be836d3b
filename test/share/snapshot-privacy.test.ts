/**
 * Folding a snapshot's results for k (worked by hand), which results it carries at all, and the
 * keys it stores them under.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clampK,
  foldForSharing,
  shareableEntries,
  snapshotKey,
} from '../../src/share/snapshot-privacy.ts';
import { readEntry } from '../../src/share/snapshot-schema.ts';
import type { Entry } from '../../src/share/snapshot-schema.ts';

const entry = (key: string, value: unknown): Entry => {
  const r = readEntry(key, value);
  if (r.error !== null) throw new Error(r.error);
  return r.entry;
};
const fold = (key: string, value: unknown, k = 5) => {
  const { entries, folding } = foldForSharing([entry(key, value)], k);
  return { value: entries[0]?.value, key: entries[0]?.key, folding };
};

const SEGS = [{ table: 'signups', column: 'country', values: ['US', 'IS'] }];
const ctxEntry = (segments: unknown[]) =>
  entry('ctx:1:UTC:null:null:' + JSON.stringify(segments), {
    tz: 'UTC',
    range: {
      minMs: Date.UTC(2025, 0, 1),
      maxMs: Date.UTC(2025, 1, 1),
      endMs: Date.UTC(2025, 1, 1),
    },
    filters: { from: null, to: null, segments },
    schema: { signups: ['country'], posts: [] },
    cubes: null,
  });
const RANGE = 'UTC:1735689600000:1738368000000:1738368000000';
const points = (...values: number[]) => ({
  points: values.map((value, i) => ({ bucket_start: `2025-01-0${i + 1}`, value })),
  dataStart: '2025-01-01',
});

describe('folding counts under k', () => {
  it('breakdown: small values join Other; Other under k takes the next smallest; a small whole is hidden', () => {
    const rows = [
      // Day 1: CN 3 and IS 1 join the SQL's Other (2): Other 6.
      { bucket_start: '2025-01-01', value: 'US', signups: 10 },
      { bucket_start: '2025-01-01', value: 'CN', signups: 3 },
      { bucket_start: '2025-01-01', value: 'IS', signups: 1 },
      { bucket_start: '2025-01-01', value: 'Other', signups: 2 },
      // Day 2: IS 1 alone would be Other 1 (= the total minus US and CN): CN 6 joins it.
      { bucket_start: '2025-01-02', value: 'US', signups: 10 },
      { bucket_start: '2025-01-02', value: 'CN', signups: 6 },
      { bucket_start: '2025-01-02', value: 'IS', signups: 1 },
      // Day 3: 3 people in all: nothing can be shown.
      { bucket_start: '2025-01-03', value: 'US', signups: 2 },
      { bucket_start: '2025-01-03', value: 'CN', signups: 1 },
      // Day 4: nothing under k.
      { bucket_start: '2025-01-04', value: 'US', signups: 5 },
    ];
    const { value, folding } = fold(`breakdown:${RANGE}:null:null:[]:day:country`, rows);
    expect(value).toEqual([
      { bucket_start: '2025-01-01', value: 'US', signups: 10 },
      { bucket_start: '2025-01-01', value: 'Other', signups: 6 },
      { bucket_start: '2025-01-02', value: 'US', signups: 10 },
      { bucket_start: '2025-01-02', value: 'Other', signups: 7 },
      { bucket_start: '2025-01-04', value: 'US', signups: 5 },
    ]);
    // Folded: CN, IS (day 1), IS, CN (day 2), US, CN (day 3); hidden: day 3's Other.
    expect(folding).toEqual({ k: 5, folded: 6, hidden: 1 });
  });

  it('attribution: Other sums counts, expectations, excess and shares', () => {
    const rows = [
      {
        value: 'BR',
        wave_signups: 100,
        baseline_signups: 10,
        expected: 20,
        excess: 80,
        share: 0.8,
      },
      { value: 'US', wave_signups: 30, baseline_signups: 0, expected: 0, excess: 30, share: 0.3 },
      {
        value: 'a@x.example',
        wave_signups: 1,
        baseline_signups: 0,
        expected: 0,
        excess: 1,
        share: 0.01,
      },
      {
        value: 'b@x.example',
        wave_signups: 0,
        baseline_signups: 2,
        expected: 4,
        excess: -4,
        share: -0.04,
      },
      // A big wave count does not save a small baseline count: the value is folded.
      { value: 'PT', wave_signups: 40, baseline_signups: 3, expected: 6, excess: 34, share: 0.34 },
    ];
    const { value, folding } = fold('attr:x', rows);
    expect(value).toEqual([
      rows[0],
      rows[1],
      {
        value: 'Other',
        wave_signups: 41,
        baseline_signups: 5,
        expected: 10,
        excess: 31,
        share: expect.closeTo(0.31, 10),
      },
    ]);
    expect(folding.folded).toBe(3);
  });

  it('retention: small cohorts and cells are hidden; curves by value fold small values', () => {
    const cell = (cohort: string, size: number, period: number, active: number, after: number) => ({
      cohort_start: cohort,
      cohort_size: size,
      period,
      active_users: active,
      retention: size ? active / size : 0,
      active_on_or_after: after,
      complete: true,
    });
    const triangle = fold('retention-triangle:x', {
      g: 'week',
      cells: [
        cell('2025-01-06', 40, 0, 30, 40),
        cell('2025-01-06', 40, 1, 3, 20), // 3 active: hidden
        cell('2025-01-06', 40, 2, 0, 0), // none: kept
        cell('2025-01-13', 4, 0, 4, 4), // a cohort of 4: hidden
      ],
    });
    expect(
      (triangle.value as { cells: { period: number; cohort_start: string }[] }).cells.map(
        (c) => `${c.cohort_start}/${c.period}`,
      ),
    ).toEqual(['2025-01-06/0', '2025-01-06/2']);
    expect(triangle.folding.hidden).toBe(2);

    const row = (key: string, period: number, size: number, active: number, after: number) => ({
      key,
      period,
      cohort_size: size,
      active_users: active,
      active_on_or_after: after,
    });
    const curves = fold('retention-values:x', {
      g: 'week',
      column: 'country',
      rows: [
        row('BR', 0, 50, 20, 50),
        row('BR', 1, 50, 4, 10), // 4 active: hidden
        row('IS', 0, 1, 1, 1), // one person: folded
        row('NZ', 0, 3, 2, 3), // folded
        row('NZ', 1, 3, 1, 2),
        row('US', 0, 8, 6, 8), // Other (IS + NZ = 4) under k: the smallest, US, joins it
        row('US', 1, 8, 5, 6),
      ],
    });
    expect((curves.value as { rows: unknown[] }).rows).toEqual([
      row('BR', 0, 50, 20, 50),
      row('Other', 0, 12, 9, 12),
      row('Other', 1, 11, 6, 8),
    ]);
    expect(curves.folding).toEqual({ k: 5, folded: 3, hidden: 1 });
  });

  it("series: the whole data's stays exact, a filtered segment's small buckets are 0", () => {
    const whole = entry(`series:${RANGE}:null:null:[]:day:signups:null`, points(3, 40, 1));
    const mine = entry(
      `series:${RANGE}:null:null:${JSON.stringify(SEGS)}:day:signups:null`,
      points(3, 40, 1),
    );
    const { entries, folding } = foldForSharing([ctxEntry(SEGS), whole, mine], 5);
    expect(entries[1]?.value).toEqual(points(3, 40, 1));
    expect(entries[2]?.value).toEqual(points(0, 40, 0));
    expect(folding.hidden).toBe(2);
    // Without a context to tell them apart, a series with segments is folded too.
    expect(fold(mine.key, points(3, 40, 1)).value).toEqual(points(0, 40, 0));
  });

  it('mix: categories fold per bucket and group; the ranking leaves out small categories', () => {
    const r = (bucket: string, group: string, category: string, posts: number, share: number) => ({
      bucket_start: bucket,
      group,
      category,
      posts,
      share,
    });
    const mix = fold('mix:x', {
      g: 'day',
      surgeUtcMs: null,
      rows: [
        r('2025-01-01', 'all', 'food', 20, 0.5),
        r('2025-01-01', 'all', 'chess', 1, 0.025),
        r('2025-01-01', 'all', 'art', 19, 0.475),
        r('2025-01-01', 'new', 'food', 2, 1),
      ],
    });
    expect((mix.value as { rows: unknown[] }).rows).toEqual([
      r('2025-01-01', 'all', 'food', 20, 0.5),
      r('2025-01-01', 'all', 'Other', 20, 0.5),
    ]);
    const rank = fold('mix-rank:x', [
      { category: 'food', posts: 90, share: 0.9 },
      { category: 'chess', posts: 1, share: 0.01 },
    ]);
    expect(rank.value).toEqual([{ category: 'food', posts: 90, share: 0.9 }]);
  });

  it('keeps every count at or above k or at 0, and every total unless the whole is small', () => {
    const k = 5;
    const group = fc.uniqueArray(
      fc.record({ value: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'Other'), signups: fc.nat(12) }),
      { selector: (r) => r.value, maxLength: 6 },
    );
    fc.assert(
      fc.property(fc.array(group, { maxLength: 5 }), (groups) => {
        const rows = groups.flatMap((g, i) =>
          g.map((r) => ({ bucket_start: `2025-01-0${i + 1}`, ...r })),
        );
        const { value } = fold('breakdown:x', rows, k);
        const out = value as typeof rows;
        for (const r of out) expect(r.signups === 0 || r.signups >= k).toBe(true);
        groups.forEach((g, i) => {
          const day = `2025-01-0${i + 1}`;
          const before = g.reduce((s, r) => s + r.signups, 0);
          const kept = out.filter((r) => r.bucket_start === day);
          const after = kept.reduce((s, r) => s + r.signups, 0);
          if (after !== before) {
            expect(before).toBeLessThan(k);
            expect(kept.every((r) => r.signups === 0)).toBe(true);
          }
        });
      }),
    );
  });

  it('k is a whole number from 2 to 1000', () => {
    expect([clampK(0), clampK(1), clampK(4.6), clampK(5000), clampK(Number.NaN)]).toEqual([
      2, 2, 5, 1000, 5,
    ]);
  });
});

describe('what a snapshot carries', () => {
  it('only results views draw: no value list, no fingerprint, no unknown kind', () => {
    const { entries } = shareableEntries(
      [
        ['values:1:signups:email', [{ value: 'a@x.example', n: 1 }]],
        ['fingerprint:1', { id: 'v1-3s-3p-abcdef012345' }],
        ['secret:1', 'x'],
        [`series:${RANGE}:null:null:[]:day:signups:null`, points(3)],
      ],
      5,
    );
    expect(entries.map((e) => e.kind)).toEqual(['series']);
  });

  it('a drawn result that could not be opened is not shared', () => {
    expect(() =>
      shareableEntries([['retention-triangle:x', { g: 'week', cells: [{ period: 3e7 }] }]], 5),
    ).toThrow(/cannot be shared as a snapshot: retention-triangle/);
  });

  it("an attribution's key loses the wave's counts, keeps its dates; others are untouched", () => {
    const wave = {
      start: '2025-01-15',
      end: '2025-01-20',
      peak: '2025-01-16',
      peak_signups: 3,
      peak_multiple: 1.5,
      signups: 7,
    };
    const baseline = { from: '2025-01-01', to: '2025-01-14', median: 2, mad: 0.5, threshold: 3.5 };
    const key = `attr:${RANGE}:null:null:[]:day:email:${JSON.stringify(wave)}:${JSON.stringify(baseline)}`;
    const masked = snapshotKey(key);
    expect(masked).toBe(
      `attr:${RANGE}:null:null:[]:day:email:{"start":"2025-01-15","end":"2025-01-20","peak":"~","peak_signups":"~","peak_multiple":"~","signups":"~"}:{"from":"2025-01-01","to":"2025-01-14","median":"~","mad":"~","threshold":"~"}`,
    );
    expect(snapshotKey(masked)).toBe(masked);
    // Another wave's figures give the same key; another wave's dates do not.
    expect(snapshotKey(key.replace('"signups":7', '"signups":0'))).toBe(masked);
    expect(snapshotKey(key.replace('2025-01-15', '2025-01-16'))).not.toBe(masked);
    const series = `series:${RANGE}:null:null:[{"table":"signups","column":"x","values":["\\"signups\\":3"]}]:day`;
    expect(snapshotKey(series)).toBe(series);
  });
});
