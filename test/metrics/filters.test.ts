/**
 * Filters (date range in the report time zone, segment values) applied to every metric, on
 * filters_signups.csv / filters_posts.csv.
 *
 * Signups (UTC): s1 Jan 1 10:00 FR ads · s2 Jan 2 Côte d'Ivoire ads · s3 Jan 3 FR `say "hi"` ·
 *   s4 Sun Jan 5 DE ads · s5 Mon Jan 6 FR ads · s6 Jan 1 17:00Z (= Jan 2 01:00 Shanghai) JP ads
 * Posts (12:00Z): s1 Jan 1 a en · s1 Jan 5 b fr · s2 Jan 2 a en · s3 Jan 3 c fr · zz Jan 4 a en
 *   (zz is not in signups) · s4 Jan 5 a en · s5 Jan 6 b en · s2 Jan 7 a en (the dataset end)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { UnknownColumnError } from '../../src/metrics/filters.ts';
import { contentMix, windowMix } from '../../src/metrics/mix.ts';
import type { Filters, SegmentFilter } from '../../src/metrics/params.ts';
import { retention } from '../../src/metrics/retention.ts';
import {
  analyse,
  context,
  driftMap,
  fixtureText,
  loadEngine,
  pairs,
  signupSeries,
} from './helpers.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine(fixtureText('filters_signups.csv'), fixtureText('filters_posts.csv'));
});
afterAll(async () => engine.close());

const seg = (table: 'signups' | 'posts', column: string, values: string[]): SegmentFilter => ({
  table,
  column,
  values,
});
const run = async (filters: Filters, tz = 'UTC') =>
  analyse(engine, await context(engine, tz, filters));
const mixRows = (a: Awaited<ReturnType<typeof run>>) =>
  a.mix.filter((r) => r.group === 'all').map((r) => [r.bucket_start, r.category, r.posts]);
const cells = (a: Awaited<ReturnType<typeof run>>) =>
  a.retention.map((c) => [c.cohort_start, c.cohort_size, c.period, c.active_users, c.complete]);

describe('no filter (reference)', () => {
  it('series Jan 1..6', async () => {
    const a = await run({});
    expect(pairs(a.signups)).toEqual([
      ['2025-01-01', 2], // s1, s6
      ['2025-01-02', 1],
      ['2025-01-03', 1],
      ['2025-01-04', 0],
      ['2025-01-05', 1],
      ['2025-01-06', 1],
    ]);
  });
});

describe('date range Jan 2..5 (UTC)', () => {
  it('applies to signups, posts, baseline start and cohorts', async () => {
    const a = await run({ from: '2025-01-02', to: '2025-01-05' });
    expect(pairs(a.signups)).toEqual([
      ['2025-01-02', 1],
      ['2025-01-03', 1],
      ['2025-01-04', 0],
      ['2025-01-05', 1],
    ]);
    // The date range narrows what is counted but never moves the frame: the baseline window is
    // still the unfiltered data's first 14 days, Jan 1 .. Jan 14.
    expect(a.waves?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14' });
    // counts 1 1 0 1 → median 1, mad 0, threshold max(1, 2) = 2 → no wave → all existing
    expect(a.surgeStart).toBeNull();
    expect(mixRows(a)).toEqual([
      ['2025-01-02', 'a', 1],
      ['2025-01-03', 'c', 1],
      ['2025-01-04', 'a', 1], // zz: unknown author, still a post in range
      ['2025-01-05', 'a', 1],
      ['2025-01-05', 'b', 1],
    ]);
    // cohorts from signups in range: s2 (Thu), s3 (Fri), s4 (Sun) → week Dec 30, size 3.
    // Dataset end Jan 7 (unfiltered) → last week Jan 6. k1: s2's Jan 7 post counts although it
    // lies after the range (the range selects cohorts).
    expect(cells(a)).toEqual([
      ['2024-12-30', 3, 0, 3, true],
      ['2024-12-30', 3, 1, 1, false],
    ]);
  });

  it('follows the report time zone: Jan 2 in Shanghai holds s6 and s2', async () => {
    const utc = await run({ from: '2025-01-02', to: '2025-01-02' });
    expect(pairs(utc.signups)).toEqual([['2025-01-02', 1]]);
    const sh = await run({ from: '2025-01-02', to: '2025-01-02' }, 'Asia/Shanghai');
    // s6 Jan 1 17:00Z = Jan 2 01:00, s2 Jan 2 10:00Z = Jan 2 18:00 local
    expect(pairs(sh.signups)).toEqual([['2025-01-02', 2]]);
    // s2's Jan 2 12:00Z post is 20:00 local Jan 2; s1's Jan 1 12:00Z post is Jan 1 20:00 → out
    expect(mixRows(sh)).toEqual([['2025-01-02', 'a', 1]]);
  });

  it('refuses a malformed date', async () => {
    await expect(run({ from: '2025/01/02' })).rejects.toThrow(/Bad date/);
  });
});

describe('segment filters', () => {
  it('signups.country = FR restricts signups, posts (to FR users) and the baseline mix', async () => {
    const a = await run({ segments: [seg('signups', 'country', ['FR'])] });
    expect(pairs(a.signups)).toEqual([
      ['2025-01-01', 1],
      ['2025-01-02', 0],
      ['2025-01-03', 1],
      ['2025-01-04', 0],
      ['2025-01-05', 0],
      ['2025-01-06', 1],
    ]);
    expect(mixRows(a)).toEqual([
      ['2025-01-01', 'a', 1],
      ['2025-01-03', 'c', 1],
      ['2025-01-05', 'b', 1],
      ['2025-01-06', 'b', 1],
    ]);
    // Baseline (Jan 1..14, FR posts only): a 1, b 2, c 1 → {a ¼, b ½, c ¼}
    // Jan 1 {a 1}: M = {a ⅝, b ¼, c ⅛}; KL(P‖M) = log2(1.6) = 0.6780719;
    //   KL(Q‖M) = ¼·log2(0.4) + ½·log2(2) + ¼·log2(2) = -0.3304820 + 0.75 = 0.4195180
    //   JSD = ½·(0.6780719 + 0.4195180) = 0.5487949
    // Jan 6 {b 1}: M = {a ⅛, b ¾, c ⅛}; KL(P‖M) = log2(4/3) = 0.4150375;
    //   KL(Q‖M) = ¼·1 + ½·log2(2/3) + ¼·1 = 0.5 - 0.2924813 = 0.2075187 → JSD 0.3112781
    const d = driftMap(a.drift);
    expect(d.get('2025-01-01|all')).toBeCloseTo(0.5487949, 6);
    expect(d.get('2025-01-06|all')).toBeCloseTo(0.3112781, 6);
    // FR users: s1, s3 (week Dec 30), s5 (week Jan 6); s1's Jan 5 post is Sunday → k0
    expect(cells(a)).toEqual([
      ['2024-12-30', 2, 0, 2, true],
      ['2024-12-30', 2, 1, 0, false],
      ['2025-01-06', 1, 0, 1, false],
    ]);
  });

  it('values are bound: a single quote and a double quote work', async () => {
    const ci = await run({ segments: [seg('signups', 'country', ["Côte d'Ivoire"])] });
    // A filtered series keeps the whole data's buckets (Jan 1..6), zeros included.
    const only = (day: string) =>
      ['01', '02', '03', '04', '05', '06'].map((d) => [
        `2025-01-${d}`,
        `2025-01-${d}` === day ? 1 : 0,
      ]);
    expect(pairs(ci.signups)).toEqual(only('2025-01-02'));
    expect(mixRows(ci)).toEqual([
      ['2025-01-02', 'a', 1],
      ['2025-01-07', 'a', 1],
    ]);
    const hi = await run({ segments: [seg('signups', 'source', ['say "hi"'])] });
    expect(pairs(hi.signups)).toEqual(only('2025-01-03'));
    const none = await run({ segments: [seg('signups', 'country', ["' OR 1=1 --"])] });
    expect(none.signups.map((b) => b.value)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('several values and several columns combine (IN, AND)', async () => {
    const a = await run({
      segments: [seg('signups', 'country', ['FR', 'DE']), seg('signups', 'source', ['ads'])],
    });
    // s1 (Jan 1), s4 (Jan 5), s5 (Jan 6); s3 is FR but not ads
    expect(pairs(a.signups)).toEqual([
      ['2025-01-01', 1],
      ['2025-01-02', 0],
      ['2025-01-03', 0],
      ['2025-01-04', 0],
      ['2025-01-05', 1],
      ['2025-01-06', 1],
    ]);
    expect(mixRows(a)).toEqual([
      ['2025-01-01', 'a', 1],
      ['2025-01-05', 'a', 1],
      ['2025-01-05', 'b', 1],
      ['2025-01-06', 'b', 1],
    ]);
  });

  it('posts.language (header "lang") = fr restricts posts only', async () => {
    const a = await run({ segments: [seg('posts', 'language', ['fr'])] });
    expect(a.signups.map((b) => b.value)).toEqual([2, 1, 1, 0, 1, 1]);
    expect(mixRows(a)).toEqual([
      ['2025-01-03', 'c', 1],
      ['2025-01-05', 'b', 1],
    ]);
    // week Dec 30: s1 s6 s2 s3 s4 (5); fr posts: s3 Jan 3, s1 Jan 5 → 2. Week Jan 6: s5, none.
    expect(cells(a)).toEqual([
      ['2024-12-30', 5, 0, 2, true],
      ['2024-12-30', 5, 1, 0, false],
      ['2025-01-06', 1, 0, 0, false],
    ]);
  });

  it('an empty value list matches nothing', async () => {
    const a = await run({ segments: [seg('signups', 'country', [])] });
    expect(a.signups.map((b) => b.value)).toEqual([0, 0, 0, 0, 0, 0]);
    // The frame stays the whole data's; the segment's own baseline is all zeros.
    expect(a.waves?.baseline).toMatchObject({ from: '2025-01-01', median: 0, threshold: 0 });
    expect(a.mix).toEqual([]);
    expect(a.drift).toEqual([]);
    expect(a.retention).toEqual([]);
  });

  it('unknown columns are rejected by every metric', async () => {
    for (const bad of [
      seg('signups', 'nope', ['x']),
      seg('signups', 'language', ['fr']), // a posts column named on signups
      seg('posts', 'country', ['FR']), // a signups column named on posts
      seg('signups', 'country" OR 1=1 --', ['x']),
    ]) {
      const ctx = await context(engine, 'UTC', { segments: [bad] });
      await expect(signupSeries(engine, ctx, 'day')).rejects.toThrow(UnknownColumnError);
      await expect(contentMix(engine, ctx, 'day', null)).rejects.toThrow(UnknownColumnError);
      await expect(retention(engine, ctx, 'week')).rejects.toThrow(UnknownColumnError);
      await expect(
        windowMix(engine, ctx, { from: '2025-01-01', to: '2025-01-14' }),
      ).rejects.toThrow(UnknownColumnError);
    }
  });
});
