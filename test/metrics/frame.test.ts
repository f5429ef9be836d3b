/**
 * The frame of the surge (metrics.md "Filters and the frame of the surge", "Wave groups") on
 * frame_signups.csv / frame_posts.csv, UTC, day buckets. Worked by hand:
 *
 * signups: country A, 2 a day Jan 1..20 (a01..a40); country B: 1 on Jan 3, 1 on Jan 10, 10 on
 * Jan 15, 20 on Jan 16, 5 on Jan 17 (b01..b37).
 * posts: every user posts on their signup day (A food, B memes; a01 twice on Jan 1); the ten A
 * users of Jan 1..5 post again on Jan 8 (travel); the 35 B users of Jan 15..17 again on Jan 22;
 * x99 (no signup) posts on Feb 3 12:00, the dataset end.
 *
 * Whole data, day: baseline Jan 1..14 = 2,2,3,2,2,2,2,2,2,3,2,2,2,2 → median 2, MAD 0,
 * threshold max(2, 2·2) = 4; Jan 15 12, Jan 16 22, Jan 17 7 surge → one wave Jan 15..17, peak
 * Jan 16 (22, ×11), 41 signups. Surge start Jan 15.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { groupNames, groupOf, groupSpans } from '../../src/metrics/frame.ts';
import { labelToUtcMs } from '../../src/metrics/labels.ts';
import { DEFAULT_WAVE_SETTINGS } from '../../src/metrics/params.ts';
import type { SegmentFilter } from '../../src/metrics/params.ts';
import { series } from '../../src/metrics/series.ts';
import type { SeriesPoint } from '../../src/metrics/series.ts';
import { addDays } from '../../src/metrics/stats.ts';
import { applyFrame, detectWaves, maxQuietGap } from '../../src/metrics/waves.ts';
import { analyse, context, fixtureText, loadEngine } from './helpers.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine(fixtureText('frame_signups.csv'), fixtureText('frame_posts.csv'));
});
afterAll(async () => engine.close());

const country = (...values: string[]): SegmentFilter[] => [
  { table: 'signups', column: 'country', values },
];

describe('a segment filter never moves the frame', () => {
  it('whole data: one wave Jan 15..17, surge start Jan 15', async () => {
    const a = await analyse(engine, await context(engine));
    expect(a.waves?.baseline).toEqual({
      from: '2025-01-01',
      to: '2025-01-14',
      median: 2,
      mad: 0,
      threshold: 4,
    });
    expect(a.waves?.waves).toEqual([
      {
        start: '2025-01-15',
        end: '2025-01-17',
        peak: '2025-01-16',
        peak_signups: 22,
        peak_multiple: 11,
        signups: 41,
      },
    ]);
    expect(a.surgeStart).toBe('2025-01-15');
  });

  it("country = B: same window and span, the segment's own baseline and peak", async () => {
    const a = await analyse(engine, await context(engine, 'UTC', { segments: country('B') }));
    // B's Jan 1..14: 0,0,1,0,0,0,0,0,0,1,0,0,0,0 → median 0, MAD 0, threshold 0.
    expect(a.waves?.baseline).toEqual({
      from: '2025-01-01',
      to: '2025-01-14',
      median: 0,
      mad: 0,
      threshold: 0,
    });
    // Inside Jan 15..17: 10, 20, 5 → peak Jan 16 (20), 35 signups; median 0 → no multiple.
    expect(a.waves?.waves).toEqual([
      {
        start: '2025-01-15',
        end: '2025-01-17',
        peak: '2025-01-16',
        peak_signups: 20,
        peak_multiple: null,
        signups: 35,
      },
    ]);
    expect(a.surgeStart).toBe('2025-01-15');
    // The series keeps the whole data's days, Jan 1..20, zeros included.
    expect(a.signups).toHaveLength(20);
    expect(a.signups.reduce((s, p) => s + p.value, 0)).toBe(37);
  });

  it("country = A: flat, but the frame still holds: peak is the span's first day (tie)", async () => {
    const a = await analyse(engine, await context(engine, 'UTC', { segments: country('A') }));
    expect(a.waves?.baseline).toMatchObject({ median: 2, mad: 0, threshold: 4 });
    expect(a.waves?.waves).toEqual([
      {
        start: '2025-01-15',
        end: '2025-01-17',
        peak: '2025-01-15',
        peak_signups: 2,
        peak_multiple: 1,
        signups: 6,
      },
    ]);
    // Newcomers are still those from Jan 15 on: A's 12 users of Jan 15..20 post on signup day.
    const newPosts = a.mix.filter((r) => r.group === 'new').reduce((s, r) => s + r.posts, 0);
    expect(newPosts).toBe(12);
  });

  it('"detect waves in this segment" detects on the filtered series instead', async () => {
    const a = await analyse(engine, await context(engine, 'UTC', { segments: country('A') }), {
      detectInSegment: true,
    });
    expect(a.waves?.waves).toEqual([]);
    expect(a.surgeStart).toBeNull();
  });

  it('the date range narrows the series but not the frame', async () => {
    const a = await analyse(
      engine,
      await context(engine, 'UTC', { from: '2025-01-16', to: '2025-01-18' }),
    );
    expect(a.signups.map((p) => [p.bucket_start, p.value])).toEqual([
      ['2025-01-16', 22],
      ['2025-01-17', 7],
      ['2025-01-18', 2],
    ]);
    expect(a.waves?.baseline.from).toBe('2025-01-01');
    expect(a.surgeStart).toBe('2025-01-15');
  });
});

describe('series other than signups', () => {
  it('posts, active authors and posts by newcomers per day', async () => {
    const ctx = await context(engine);
    const surge = labelToUtcMs('2025-01-15', 'UTC');
    const byDay = async (kind: 'posts' | 'authors' | 'newcomer_posts') =>
      new Map(
        (await series(engine, ctx, 'day', kind, surge)).points.map((p) => [
          p.bucket_start,
          p.value,
        ]),
      );
    const posts = await byDay('posts');
    const authors = await byDay('authors');
    const newcomers = await byDay('newcomer_posts');
    // a01 posted twice on Jan 1: 3 posts by 2 authors.
    expect([posts.get('2025-01-01'), authors.get('2025-01-01')]).toEqual([3, 2]);
    // Jan 8: 2 signup-day posts + 10 travel posts.
    expect(posts.get('2025-01-08')).toBe(12);
    expect(posts.get('2025-01-22')).toBe(35);
    expect(posts.get('2025-02-03')).toBe(1);
    // The posts series runs from its first to its last post: Jan 1 .. Feb 3 (34 days).
    expect(posts.size).toBe(34);
    // Newcomers (signed up from Jan 15): Jan 15: 2 A + 10 B, Jan 22: 35 B; none before.
    expect(newcomers.get('2025-01-15')).toBe(12);
    expect(newcomers.get('2025-01-22')).toBe(35);
    expect(newcomers.get('2025-01-08')).toBe(0);
    expect([...newcomers.values()].reduce((s, v) => s + v, 0)).toBe(12 + 22 + 7 + 6 + 35);
  });

  it('--series posts: its own frame (3 waves), read through by the B filter', async () => {
    // Posts Jan 1..14: 3,2,3,2,2,2,2,12,2,3,2,2,2,2 → median 2, MAD 0, threshold 4. Surging:
    // Jan 8 (12); Jan 15..17 (12, 22, 7); Jan 22 (35): four quiet days apart → three waves.
    const all = await analyse(engine, await context(engine), { series: 'posts' });
    expect(all.waves?.waves.map((w) => [w.start, w.end, w.peak_signups])).toEqual([
      ['2025-01-08', '2025-01-08', 12],
      ['2025-01-15', '2025-01-17', 22],
      ['2025-01-22', '2025-01-22', 35],
    ]);
    const b = await analyse(engine, await context(engine, 'UTC', { segments: country('B') }), {
      series: 'posts',
    });
    // B's posts: Jan 3 and Jan 10 one each, then 10, 20, 5 and 35 → baseline median 0.
    expect(b.waves?.baseline).toMatchObject({ from: '2025-01-01', median: 0, threshold: 0 });
    expect(b.waves?.waves).toEqual([
      {
        start: '2025-01-08',
        end: '2025-01-08',
        peak: '2025-01-08',
        peak_signups: 0,
        peak_multiple: null,
        signups: 0,
      },
      {
        start: '2025-01-15',
        end: '2025-01-17',
        peak: '2025-01-16',
        peak_signups: 20,
        peak_multiple: null,
        signups: 35,
      },
      {
        start: '2025-01-22',
        end: '2025-01-22',
        peak: '2025-01-22',
        peak_signups: 35,
        peak_multiple: null,
        signups: 35,
      },
    ]);
    // The surge start of content mix and retention still comes from the signup frame.
    expect(b.surgeStart).toBe('2025-01-15');
  });
});

describe('wave groups (week cohorts)', () => {
  it('retention per group over complete cells, with Wilson intervals', async () => {
    // Week cohorts (Monday): Dec 30, Jan 6, Jan 13, Jan 20; the data ends in the week of Feb 3,
    // so cohort c is complete for k < weeks(c → Feb 3): Dec 30: 5, Jan 6: 4, Jan 13: 3, Jan 20: 2.
    // before (Jan 1..14): Dec 30 = 10 A + b01 = 11 (the 10 A post again Jan 8: k 1);
    //   Jan 6 = 14 A + b02 = 15; Jan 13 = 4 A (Jan 13, 14).
    // wave 1 (Jan 15..17): Jan 13 = 6 A + 35 B = 41, the 35 B post again Jan 22 (k 1).
    // between (Jan 18..20): Jan 13 = 4 A (Sat, Sun), Jan 20 = 2 A (Mon).
    const a = await analyse(engine, await context(engine));
    const rows = a.groups.map((g) => [g.group, g.period, g.active_users, g.cohort_size]);
    expect(rows).toEqual([
      ['before', 0, 30, 30],
      ['before', 1, 10, 30],
      ['before', 2, 0, 30],
      ['before', 3, 0, 26],
      ['before', 4, 0, 11],
      ['wave 1', 0, 41, 41],
      ['wave 1', 1, 35, 41],
      ['wave 1', 2, 0, 41],
      ['between', 0, 6, 6],
      ['between', 1, 0, 6],
      ['between', 2, 0, 4],
    ]);
    const w1 = a.groups.find((g) => g.group === 'wave 1' && g.period === 1);
    expect(w1?.retention).toBeCloseTo(35 / 41, 12);
    // Wilson 95%: p = 35/41, z = 1.959964: centre (p + z²/82)/(1 + z²/41), half-width
    // z·sqrt(p(1-p)/41 + z²/6724)/(1 + z²/41): centre 0.900505/1.093694 = 0.823361, half-width
    // 0.117893/1.093694 = 0.107794 → [0.71557, 0.93116].
    expect(w1?.ci_low).toBeCloseTo(0.71557, 4);
    expect(w1?.ci_high).toBeCloseTo(0.93116, 4);
  });

  it('groupOf: before the surge start, inside a wave, between', () => {
    const spans = groupSpans(
      {
        baseline: { from: '', to: '', median: 0, mad: 0, threshold: 0 },
        waves: [w('2025-01-15', '2025-01-17'), w('2025-01-20', '2025-01-20')],
      },
      '2025-01-15',
      'day',
      'UTC',
    );
    const at = (iso: string) => groupOf(Date.parse(iso), spans);
    expect(groupNames(spans)).toEqual(['before', 'wave 1', 'wave 2', 'between']);
    expect(at('2025-01-14T23:59:59Z')).toBe('before');
    expect(at('2025-01-15T00:00:00Z')).toBe('wave 1');
    expect(at('2025-01-17T23:59:59Z')).toBe('wave 1');
    expect(at('2025-01-18T00:00:00Z')).toBe('between');
    expect(at('2025-01-20T12:00:00Z')).toBe('wave 2');
    expect(at('2025-03-01T00:00:00Z')).toBe('between');
  });
});

const w = (start: string, end: string) => ({
  start,
  end,
  peak: start,
  peak_signups: 0,
  peak_multiple: null,
  signups: 0,
});

/** Hourly buckets from Jan 1 00:00, one per value. */
function hourly(values: number[]): SeriesPoint[] {
  return values.map((value, h) => ({
    bucket_start: `${addDays('2025-01-01', Math.floor(h / 24))}T${String(h % 24).padStart(2, '0')}:00`,
    value,
  }));
}

describe('waves at every granularity', () => {
  it('hours: a quiet gap under 24 hours does not split a wave; 24 quiet hours do', () => {
    expect(maxQuietGap('hour')).toBe(23);
    expect(maxQuietGap('day')).toBe(1);
    // 14 baseline days of 1 an hour (median 1, MAD 0, threshold 2), then surges of 5 at hours
    // 0-5 of Jan 15, 23 quiet hours, hours 5-9 of Jan 16 (merged), 24 quiet hours, Jan 17 10:00.
    const values = Array<number>(14 * 24).fill(1);
    const day15 = Array<number>(24)
      .fill(0)
      .map((_, h) => (h <= 5 ? 5 : 0));
    const day16 = Array<number>(24)
      .fill(0)
      .map((_, h) => (h >= 5 && h <= 9 ? 5 : 0));
    const day17 = Array<number>(24)
      .fill(0)
      .map((_, h) => (h === 10 ? 5 : 0));
    const r = detectWaves(
      hourly([...values, ...day15, ...day16, ...day17]),
      DEFAULT_WAVE_SETTINGS,
      'hour',
    );
    expect(r?.baseline.threshold).toBe(2);
    expect(r?.waves.map((x) => [x.start, x.end, x.signups])).toEqual([
      ['2025-01-15T00:00', '2025-01-16T09:00', 55],
      ['2025-01-17T10:00', '2025-01-17T10:00', 5],
    ]);
  });

  it('the baseline never counts a bucket the data covers only partly', () => {
    // Weeks from Monday Nov 25, data from Sunday Dec 1: the first week holds one day (10), the
    // next two are full (70, 90). Window Dec 1..14 holds the weeks of Dec 2 and Dec 9 only.
    const weeks = [
      { bucket_start: '2024-11-25', value: 10 },
      { bucket_start: '2024-12-02', value: 70 },
      { bucket_start: '2024-12-09', value: 90 },
      { bucket_start: '2024-12-16', value: 400 },
      { bucket_start: '2024-12-23', value: 30 },
    ];
    const coverage = { dataStart: '2024-12-01', endBucket: '2024-12-23' };
    const r = detectWaves(weeks, DEFAULT_WAVE_SETTINGS, 'week', coverage);
    // median (70 + 90)/2 = 80, MAD 10 → threshold max(80 + 44.478, 160) = 160.
    expect(r?.baseline).toMatchObject({
      from: '2024-12-01',
      to: '2024-12-14',
      median: 80,
      mad: 10,
    });
    expect(r?.baseline.threshold).toBe(160);
    expect(r?.waves.map((x) => x.start)).toEqual(['2024-12-16']);
    // applyFrame reads another series with the same window and coverage.
    const other = weeks.map((b) => ({ ...b, value: b.value / 10 }));
    const view = r ? applyFrame(other, r, DEFAULT_WAVE_SETTINGS, coverage) : null;
    expect(view?.baseline).toMatchObject({ median: 8, mad: 1 });
    expect(view?.waves).toEqual([
      {
        start: '2024-12-16',
        end: '2024-12-16',
        peak: '2024-12-16',
        peak_signups: 40,
        peak_multiple: 5,
        signups: 40,
      },
    ]);
  });
});
