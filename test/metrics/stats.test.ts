/** Pure statistics: every expected value is worked out by hand in the comment beside it. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, jensenShannon, mad, median, wilson } from '../../src/metrics/stats.ts';

const Z = 1.959963984540054; // 97.5th percentile of N(0, 1)
const m = (o: Record<string, number>) => new Map(Object.entries(o));

describe('median and mad', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3); // sorted 1 3 5
    expect(median([4, 1, 3, 2])).toBe(2.5); // sorted 1 2 3 4 → (2 + 3) / 2
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('is the unscaled median absolute deviation', () => {
    // median(1 2 3 4 100) = 3; |x - 3| = 2 1 0 1 97 → sorted 0 1 1 2 97 → 1
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    // median(2 2 2 2) = 2; deviations all 0
    expect(mad([2, 2, 2, 2])).toBe(0);
    // median(0 0 10 10) = 5; deviations 5 5 5 5 → 5
    expect(mad([0, 0, 10, 10])).toBe(5);
  });
});

describe('wilson', () => {
  it('3 of 10 by the hand formula', () => {
    // p = 0.3, z² = 3.841459, n = 10
    // denom  = 1 + z²/n = 1.3841459
    // centre = (p + z²/2n) / denom = (0.3 + 0.1920729) / 1.3841459 = 0.3555066
    // half   = z·sqrt(p(1-p)/n + z²/4n²) / denom = 1.959964·sqrt(0.021 + 0.0096036) / 1.3841459
    //        = 1.959964 · 0.1749389 / 1.3841459 = 0.2477153
    // low = 0.1077913, high = 0.6032219
    const ci = wilson(3, 10);
    expect(ci?.low).toBeCloseTo(0.1077913, 6);
    expect(ci?.high).toBeCloseTo(0.6032219, 6);
  });

  it('0 of 5 and 5 of 5 stay inside [0, 1]', () => {
    // p = 0: centre = half = (z²/10) / (1 + z²/5) = 0.3841459 / 1.7682918 = 0.2172412
    // → low 0, high 0.4344825. p = 1 mirrors it: low 1 - 0.4344825 = 0.5655175, high 1.
    expect(wilson(0, 5)?.low).toBe(0);
    expect(wilson(0, 5)?.high).toBeCloseTo(0.4344825, 6);
    expect(wilson(5, 5)?.low).toBeCloseTo(0.5655175, 6);
    expect(wilson(5, 5)?.high).toBe(1);
  });

  it('1 of 2 is symmetric around 0.5', () => {
    // denom = 1 + z²/2 = 2.9207294; centre = (0.5 + z²/4) / denom = 1.4603647 / 2.9207294 = 0.5
    // half = z·sqrt(0.125 + z²/16) / denom = 1.959964·sqrt(0.3650912) / 2.9207294 = 0.4054688
    const ci = wilson(1, 2);
    expect(ci?.low).toBeCloseTo(0.0945312, 6);
    expect(ci?.high).toBeCloseTo(0.9054688, 6);
  });

  it('is null for an empty sample', () => {
    expect(wilson(0, 0)).toBeNull();
  });

  it('always contains the point estimate (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, f) => {
          const s = Math.round(f * n);
          const ci = wilson(s, n, Z);
          expect(ci).not.toBeNull();
          if (!ci) return;
          expect(ci.low).toBeLessThanOrEqual(s / n + 1e-12);
          expect(ci.high).toBeGreaterThanOrEqual(s / n - 1e-12);
          expect(ci.low).toBeGreaterThanOrEqual(0);
          expect(ci.high).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('jensenShannon (log base 2)', () => {
  it('is 0 for identical distributions and 1 for disjoint ones', () => {
    expect(jensenShannon(m({ a: 0.25, b: 0.75 }), m({ b: 0.75, a: 0.25 }))).toBe(0);
    expect(jensenShannon(m({ a: 1 }), m({ b: 1 }))).toBe(1);
    // disjoint supports of two categories each: M = ¼ everywhere,
    // KL(P‖M) = ½·log2(2) + ½·log2(2) = 1, same for Q → JSD = 1
    expect(jensenShannon(m({ a: 0.5, b: 0.5 }), m({ c: 0.5, d: 0.5 }))).toBeCloseTo(1, 12);
  });

  it('handles a category missing from one side', () => {
    // P = {a ½, b ½}, Q = {a 1}: M = {a ¾, b ¼}
    // KL(P‖M) = ½·log2(½/¾) + ½·log2(½/¼) = ½·(-0.5849625) + ½·1 = 0.2075187
    // KL(Q‖M) = 1·log2(1/¾) = 0.4150375
    // JSD = ½·(0.2075187 + 0.4150375) = 0.3112781
    expect(jensenShannon(m({ a: 0.5, b: 0.5 }), m({ a: 1 }))).toBeCloseTo(0.3112781, 6);
    expect(jensenShannon(m({ a: 1 }), m({ a: 0.5, b: 0.5 }))).toBeCloseTo(0.3112781, 6);
  });

  it('stays in [0, 1] and is symmetric (property)', () => {
    const dist = fc
      .array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 9 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((xs) => {
        const counts = new Map<string, number>();
        for (const [k, n] of xs) counts.set(k, (counts.get(k) ?? 0) + n);
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        return new Map([...counts].map(([k, n]) => [k, n / total]));
      });
    fc.assert(
      fc.property(dist, dist, (p, q) => {
        const d = jensenShannon(p, q);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        expect(jensenShannon(q, p)).toBeCloseTo(d, 12);
        expect(jensenShannon(p, p)).toBeCloseTo(0, 12);
      }),
    );
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2025-01-01', 13)).toBe('2025-01-14');
    expect(addDays('2025-01-25', 13)).toBe('2025-02-07'); // 25 + 13 = 38 → 38 - 31 = Feb 7
    expect(addDays('2024-02-20', 13)).toBe('2024-03-04'); // 2024 is leap: 20 + 13 = 33 - 29 = 4
    expect(addDays('2025-12-25', 13)).toBe('2026-01-07');
    expect(addDays('2025-03-05', -7)).toBe('2025-02-26');
  });
});
