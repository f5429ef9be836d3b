/**
 * Migration waves (metrics.md "Migration waves"). Threshold = max(median + 3·1.4826·mad,
 * 2·median) over the baseline window; runs merge across exactly one quiet bucket; peak is the
 * earliest largest bucket. Every expectation is worked by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { DEFAULT_WAVE_SETTINGS } from '../../src/metrics/params.ts';
import type { WaveSettings } from '../../src/metrics/params.ts';
import type { SeriesPoint } from '../../src/metrics/series.ts';
import { addDays } from '../../src/metrics/stats.ts';
import { baselineWindow, detectWaves, surgeStart } from '../../src/metrics/waves.ts';
import { analyse, context, csv, loadEngine } from './helpers.ts';

/** Daily buckets from `start`, one per count. */
const daily = (start: string, counts: number[]): SeriesPoint[] =>
  counts.map((value, i) => ({ bucket_start: addDays(start, i), value }));

const settings = (s: Partial<WaveSettings> = {}): WaveSettings => ({
  ...DEFAULT_WAVE_SETTINGS,
  ...s,
});

// Baseline (Jan 1..14): sorted 4 4 7 7 10 10 10 10 10 10 13 13 16 16 → median (10 + 10)/2 = 10.
// |x - 10| sorted: 0 0 0 0 0 0 3 3 3 3 6 6 6 6 → mad (3 + 3)/2 = 3.
// threshold = max(10 + 3·1.4826·3, 2·10) = max(23.3434, 20) = 23.3434   (MAD rule dominates)
const MAD_DOMINATED = daily(
  '2025-01-01',
  [
    4, 10, 16, 7, 13, 10, 10, 10, 7, 13, 4, 16, 10, 10,
    // Jan 15..22
    23, 24, 20, 30, 10, 10, 25, 10,
  ],
);

// Baseline: sorted 7 8 9 9 10 10 10 10 10 10 11 11 12 13 → median 10;
// |x - 10| sorted: 0 0 0 0 0 0 1 1 1 1 2 2 3 3 → mad 1.
// threshold = max(10 + 3·1.4826·1, 2·10) = max(14.4478, 20) = 20   (median rule dominates)
const MEDIAN_DOMINATED = daily(
  '2025-01-01',
  [
    10, 12, 8, 10, 11, 9, 10, 10, 13, 7, 10, 10, 9, 11,
    // Jan 15..22
    20, 21, 15, 15, 21, 21, 15, 21,
  ],
);

describe('detectWaves on hand-built series', () => {
  it('MAD-dominated threshold; one quiet bucket merges, two do not', () => {
    const r = detectWaves(MAD_DOMINATED, settings());
    expect(r?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14', median: 10, mad: 3 });
    expect(r?.baseline.threshold).toBeCloseTo(23.3434, 9);
    // Jan 15: 23 ≤ 23.3434 quiet; Jan 16: 24 surges; Jan 17: 20 quiet (one) → merged;
    // Jan 18: 30 surges; Jan 19, 20: quiet twice → new wave at Jan 21 (25).
    expect(r?.waves).toEqual([
      {
        start: '2025-01-16',
        end: '2025-01-18',
        peak: '2025-01-18',
        peak_signups: 30,
        peak_multiple: 3, // 30 / 10
        signups: 74, // 24 + 20 + 30, the quiet bucket included
      },
      {
        start: '2025-01-21',
        end: '2025-01-21',
        peak: '2025-01-21',
        peak_signups: 25,
        peak_multiple: 2.5,
        signups: 25,
      },
    ]);
  });

  it('median-dominated threshold is strict (20 is not a surge); peak tie → earliest', () => {
    const r = detectWaves(MEDIAN_DOMINATED, settings());
    expect(r?.baseline).toMatchObject({ median: 10, mad: 1, threshold: 20 });
    // Jan 15: 20 not > 20. Jan 16: 21 wave 1. Jan 17, 18 quiet (two) → Jan 19, 20 (21, 21),
    // Jan 21 quiet (15, one), Jan 22 (21) → wave 2 = Jan 19..22, peak tie 21 → Jan 19.
    expect(r?.waves).toEqual([
      {
        start: '2025-01-16',
        end: '2025-01-16',
        peak: '2025-01-16',
        peak_signups: 21,
        peak_multiple: 2.1,
        signups: 21,
      },
      {
        start: '2025-01-19',
        end: '2025-01-22',
        peak: '2025-01-19',
        peak_signups: 21,
        peak_multiple: 2.1,
        signups: 78, // 21 + 21 + 15 + 21
      },
    ]);
  });

  it('the 3 and the 2 are settings', () => {
    // mad multiplier 2, median multiplier 3: max(10 + 2·1.4826·3, 3·10) = max(18.8956, 30) = 30;
    // the largest bucket is 30, not > 30 → no wave.
    const strict = detectWaves(MAD_DOMINATED, settings({ madMultiplier: 2, medianMultiplier: 3 }));
    expect(strict?.baseline.threshold).toBe(30);
    expect(strict?.waves).toEqual([]);
    // mad 2, median 1.5: max(18.8956, 15) = 18.8956 → Jan 15 (23), 16 (24), 17 (20), 18 (30)
    // all surge; Jan 19-20 quiet; Jan 21 (25) alone.
    const loose = detectWaves(MAD_DOMINATED, settings({ madMultiplier: 2, medianMultiplier: 1.5 }));
    expect(loose?.baseline.threshold).toBeCloseTo(18.8956, 9);
    expect(loose?.waves.map((w) => [w.start, w.end, w.peak, w.signups])).toEqual([
      ['2025-01-15', '2025-01-18', '2025-01-18', 97], // 23 + 24 + 20 + 30
      ['2025-01-21', '2025-01-21', '2025-01-21', 25],
    ]);
  });

  it('custom baseline; buckets before the window are tested too', () => {
    const s = daily('2025-01-01', [50, 2, 3, 2, 1, 2, 3, 40, 2, 2]);
    const r = detectWaves(s, settings({ baseline: { from: '2025-01-02', to: '2025-01-07' } }));
    // window Jan 2..7: 2 3 2 1 2 3 → sorted 1 2 2 2 3 3 → median 2; |x-2| = 0 1 0 1 0 1 → mad 0.5
    // threshold = max(2 + 3·1.4826·0.5, 4) = max(4.2239, 4) = 4.2239
    expect(r?.baseline).toMatchObject({
      from: '2025-01-02',
      to: '2025-01-07',
      median: 2,
      mad: 0.5,
    });
    expect(r?.baseline.threshold).toBeCloseTo(4.2239, 9);
    expect(r?.waves.map((w) => [w.start, w.peak_signups, w.peak_multiple, w.signups])).toEqual([
      ['2025-01-01', 50, 25, 50],
      ['2025-01-08', 40, 20, 40],
    ]);
    expect(surgeStart(r, null)).toBe('2025-01-01');
    expect(surgeStart(r, '2025-01-08')).toBe('2025-01-08');
    expect(surgeStart(null, null)).toBeNull();
  });

  it('median 0 → threshold 0 and peak_multiple null', () => {
    const s = daily('2025-01-01', [...Array<number>(14).fill(0), 3]);
    const r = detectWaves(s, settings());
    expect(r?.baseline).toMatchObject({ median: 0, mad: 0, threshold: 0 });
    expect(r?.waves).toEqual([
      {
        start: '2025-01-15',
        end: '2025-01-15',
        peak: '2025-01-15',
        peak_signups: 3,
        peak_multiple: null,
        signups: 3,
      },
    ]);
  });

  it('default window for week, month and hour series: bucket starts in [first, first + 13 days]', () => {
    // weeks: window 2024-12-30 .. 2025-01-12 holds 12-30 (5) and 01-06 (7) → median 6, mad 1;
    // threshold = max(6 + 4.4478, 12) = 12 → 01-13 (30) surges, multiple 30/6 = 5
    const weeks = [
      { bucket_start: '2024-12-30', value: 5 },
      { bucket_start: '2025-01-06', value: 7 },
      { bucket_start: '2025-01-13', value: 30 },
    ];
    const w = detectWaves(weeks, settings());
    expect(w?.baseline).toMatchObject({ from: '2024-12-30', to: '2025-01-12', median: 6, mad: 1 });
    expect(w?.waves.map((x) => [x.start, x.peak_multiple])).toEqual([['2025-01-13', 5]]);
    // months: window Jan 1..14 holds only January (10) → median 10, mad 0, threshold 20
    const months = [
      { bucket_start: '2025-01-01', value: 10 },
      { bucket_start: '2025-02-01', value: 25 },
      { bucket_start: '2025-03-01', value: 15 },
    ];
    const m = detectWaves(months, settings());
    expect(m?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14', threshold: 20 });
    expect(m?.waves.map((x) => [x.start, x.end, x.peak_multiple])).toEqual([
      ['2025-02-01', '2025-02-01', 2.5],
    ]);
    // hours from Jan 1 12:00: every bucket dated Jan 1..14 holds 2 (324 buckets), the 12 hours
    // of Jan 15 hold 9 → median 2, mad 0, threshold max(2, 4) = 4 → Jan 15 00:00..11:00 surge,
    // peak tie → 00:00, signups 12·9 = 108, multiple 9/2 = 4.5
    const hours: SeriesPoint[] = [];
    for (let h = 12; h < 14 * 24 + 12; h++) {
      const day = addDays('2025-01-01', Math.floor(h / 24));
      const label = `${day}T${String(h % 24).padStart(2, '0')}:00`;
      hours.push({ bucket_start: label, value: day <= '2025-01-14' ? 2 : 9 });
    }
    expect(hours).toHaveLength(336); // 324 + 12
    const hr = detectWaves(hours, settings());
    expect(hr?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14', median: 2, mad: 0 });
    expect(hr?.waves).toEqual([
      {
        start: '2025-01-15T00:00',
        end: '2025-01-15T11:00',
        peak: '2025-01-15T00:00',
        peak_signups: 9,
        peak_multiple: 4.5,
        signups: 108,
      },
    ]);
  });

  it('an empty series has no baseline and no waves', () => {
    expect(baselineWindow([], settings())).toBeNull();
    expect(detectWaves([], settings())).toBeNull();
  });
});

describe('waves from loaded data (zero buckets count in the baseline)', () => {
  let engine: Engine;
  // Jan 1..14: 1 2 0 2 1 2 1 2 1 2 1 2 1 2 signups (Jan 3 has none), Jan 15: none, Jan 16: 5.
  const perDay = [1, 2, 0, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 0, 5];
  beforeAll(async () => {
    const rows = perDay.flatMap((n, d) =>
      Array.from({ length: n }, (_, i) => `d${d}u${i},${addDays('2025-01-01', d)}T0${i}:15:00Z`),
    );
    engine = await loadEngine(csv('user_id,signup_at', rows), null);
  });
  afterAll(async () => engine.close());

  it('baseline median 1.5 (the zero day included), wave on Jan 16', async () => {
    const a = await analyse(engine, await context(engine));
    // baseline sorted: 0 1×6 2×7 → 7th and 8th = 1, 2 → median 1.5
    // |x - 1.5|: 0.5 ×13 and 1.5 → mad 0.5; threshold = max(1.5 + 2.2239, 3) = 3.7239
    expect(a.waves?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14', median: 1.5 });
    expect(a.waves?.baseline.mad).toBe(0.5);
    expect(a.waves?.baseline.threshold).toBeCloseTo(3.7239, 9);
    expect(a.waves?.waves).toHaveLength(1);
    expect(a.waves?.waves[0]).toMatchObject({ start: '2025-01-16', peak_signups: 5, signups: 5 });
    expect(a.waves?.waves[0]?.peak_multiple).toBeCloseTo(5 / 1.5, 12); // 3.3333
    expect(a.surgeStart).toBe('2025-01-16');
  });
});
