/**
 * Content mix and drift (metrics.md "Content mix and drift") on mix_signups.csv / mix_posts.csv.
 *
 * Signups: e1 Jan 1, e2 Jan 2, n1 Jan 15 00:00:00Z (exactly the surge start), n2 Jan 16 10:00Z.
 * Posts (all at 09:xxZ unless noted; x9 is not in the signup export → `existing`):
 *   Jan 3: e1 a, e1 a    Jan 4: e2 b    Jan 5: x9 a          (baseline window Jan 1..14)
 *   Jan 15: e1 a, e2 a, x9 a, n1 c, n1 c
 *   Jan 16: e1 a, e1 a, e2 a, e2 b
 *   Jan 17 20:00Z: n2 c  (= Jan 18 04:00 in Shanghai)
 * Baseline distribution: a 3, b 1 of 4 → {a 0.75, b 0.25}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { driftFromMix, topMovers } from '../../src/metrics/drift.ts';
import { contentMix, windowMix } from '../../src/metrics/mix.ts';
import { DEFAULT_WAVE_SETTINGS } from '../../src/metrics/params.ts';
import { analyse, context, driftMap, fixtureText, loadEngine, mixMap, surgeAt } from './helpers.ts';

// JSD against B = {a ¾, b ¼}, log base 2:
// {a 1}: M = {a ⅞, b ⅛}; KL(P‖M) = log2(8/7) = 0.1926451;
//        KL(B‖M) = ¾·log2(6/7) + ¼·log2(2) = ¾·(-0.2223924) + ¼ = 0.0832057 → JSD 0.1379254
const JSD_A = 0.1379254;
// {b 1}: M = {a ⅜, b ⅝}; KL(P‖M) = log2(1.6) = 0.6780719;
//        KL(B‖M) = ¾·log2(2) + ¼·log2(0.4) = 0.75 - 0.3304820 = 0.4195180 → JSD 0.5487949
const JSD_B = 0.5487949;
// {a 0.6, c 0.4} (c absent from the baseline): M = {a 0.675, b 0.125, c 0.2}
//   KL(P‖M) = 0.6·log2(0.6/0.675) + 0.4·log2(2) = 0.6·(-0.1699250) + 0.4 = 0.2980450
//   KL(B‖M) = 0.75·log2(0.75/0.675) + 0.25·log2(2) = 0.75·0.1520031 + 0.25 = 0.3640023
//   JSD = ½·(0.2980450 + 0.3640023) = 0.3310237
const JSD_AC = 0.3310237;

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine(fixtureText('mix_signups.csv'), fixtureText('mix_posts.csv'));
});
afterAll(async () => engine.close());

describe('content mix per bucket and author group', () => {
  it('day buckets, surge start Jan 15: every row, posts and share', async () => {
    const a = await analyse(engine, await context(engine), { surgeStart: '2025-01-15' });
    expect(a.surgeStart).toBe('2025-01-15');
    expect(a.mix.map((r) => [r.bucket_start, r.group, r.category, r.posts, r.share])).toEqual([
      ['2025-01-03', 'all', 'a', 2, 1],
      ['2025-01-03', 'existing', 'a', 2, 1],
      ['2025-01-04', 'all', 'b', 1, 1],
      ['2025-01-04', 'existing', 'b', 1, 1],
      ['2025-01-05', 'all', 'a', 1, 1], // x9 is unknown → existing
      ['2025-01-05', 'existing', 'a', 1, 1],
      ['2025-01-15', 'all', 'a', 3, 0.6], // 3 of 5
      ['2025-01-15', 'all', 'c', 2, 0.4],
      ['2025-01-15', 'new', 'c', 2, 1], // n1 signed up exactly at the surge start → new
      ['2025-01-15', 'existing', 'a', 3, 1],
      ['2025-01-16', 'all', 'a', 3, 0.75],
      ['2025-01-16', 'all', 'b', 1, 0.25],
      ['2025-01-16', 'existing', 'a', 3, 0.75],
      ['2025-01-16', 'existing', 'b', 1, 0.25],
      ['2025-01-17', 'all', 'c', 1, 1],
      ['2025-01-17', 'new', 'c', 1, 1],
    ]);
  });

  it('a later surge start moves n1 to existing', async () => {
    const ctx = await context(engine);
    const mix = mixMap(await contentMix(engine, ctx, 'day', surgeAt('2025-01-16')));
    // Jan 15 existing: e1 a, e2 a, x9 a, n1 c, n1 c → a 3/5, c 2/5; no `new` row that day
    expect(mix.get('2025-01-15|existing|a')).toEqual([3, 0.6]);
    expect(mix.get('2025-01-15|existing|c')).toEqual([2, 0.4]);
    expect(mix.has('2025-01-15|new|c')).toBe(false);
    // n2 signed up Jan 16 10:00 ≥ Jan 16 00:00 → new
    expect(mix.get('2025-01-17|new|c')).toEqual([1, 1]);
  });

  it('no surge start: every author is existing', async () => {
    const mix = await contentMix(engine, await context(engine), 'day', null);
    expect(mix.filter((r) => r.group === 'new')).toEqual([]);
    expect(mix.filter((r) => r.group === 'existing')).toHaveLength(
      mix.filter((r) => r.group === 'all').length,
    );
  });

  it('hour buckets and the Asia/Shanghai calendar', async () => {
    const hour = mixMap(
      await contentMix(engine, await context(engine), 'hour', surgeAt('2025-01-15')),
    );
    // 09:00 and 09:30 share the 09:00 bucket
    expect(hour.get('2025-01-15T09:00|all|a')).toEqual([3, 0.6]);
    expect(hour.get('2025-01-17T20:00|new|c')).toEqual([1, 1]);
    const sh = await contentMix(
      engine,
      await context(engine, 'Asia/Shanghai'),
      'day',
      surgeAt('2025-01-15', 'Asia/Shanghai'),
    );
    // 09:xxZ is 17:xx the same day in Shanghai; Jan 17 20:00Z is Jan 18 04:00
    const shm = mixMap(sh);
    expect(shm.get('2025-01-18|new|c')).toEqual([1, 1]);
    expect(sh.some((r) => r.bucket_start === '2025-01-17')).toBe(false);
    expect(shm.get('2025-01-15|all|a')).toEqual([3, 0.6]);
  });

  it('buckets without posts have no rows', async () => {
    const a = await analyse(engine, await context(engine), { surgeStart: '2025-01-15' });
    const days = new Set(a.mix.map((r) => r.bucket_start));
    expect([...days]).toEqual([
      '2025-01-03',
      '2025-01-04',
      '2025-01-05',
      '2025-01-15',
      '2025-01-16',
      '2025-01-17',
    ]);
  });
});

describe('drift (JSD against the baseline distribution)', () => {
  it('every (bucket, group) with posts, values worked by hand', async () => {
    const a = await analyse(engine, await context(engine), { surgeStart: '2025-01-15' });
    const d = driftMap(a.drift);
    expect([...d.keys()].sort()).toEqual(
      [
        '2025-01-03|all',
        '2025-01-03|existing',
        '2025-01-04|all',
        '2025-01-04|existing',
        '2025-01-05|all',
        '2025-01-05|existing',
        '2025-01-15|all',
        '2025-01-15|new',
        '2025-01-15|existing',
        '2025-01-16|all',
        '2025-01-16|existing',
        '2025-01-17|all',
        '2025-01-17|new',
      ].sort(),
    );
    expect(d.get('2025-01-03|all')).toBeCloseTo(JSD_A, 6);
    expect(d.get('2025-01-04|existing')).toBeCloseTo(JSD_B, 6);
    expect(d.get('2025-01-05|all')).toBeCloseTo(JSD_A, 6);
    expect(d.get('2025-01-15|all')).toBeCloseTo(JSD_AC, 6);
    expect(d.get('2025-01-15|existing')).toBeCloseTo(JSD_A, 6);
    expect(d.get('2025-01-15|new')).toBeCloseTo(1, 9); // {c 1} is disjoint from {a, b}
    expect(d.get('2025-01-16|all')).toBeCloseTo(0, 9); // identical mix {a ¾, b ¼}
    expect(d.get('2025-01-16|existing')).toBeCloseTo(0, 9);
    expect(d.get('2025-01-17|new')).toBeCloseTo(1, 9);
  });

  it('hour buckets use the same baseline (bucket dates Jan 1..14)', async () => {
    const a = await analyse(engine, await context(engine), {
      granularity: 'hour',
      surgeStart: '2025-01-15T00:00',
    });
    expect(a.waves?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14' });
    const d = driftMap(a.drift);
    expect(d.get('2025-01-15T09:00|all')).toBeCloseTo(JSD_AC, 6);
    expect(d.get('2025-01-16T09:00|all')).toBeCloseTo(0, 9);
  });

  it('custom baseline window Jan 17 only: baseline {c 1}', async () => {
    const a = await analyse(engine, await context(engine), {
      surgeStart: '2025-01-15',
      waves: { ...DEFAULT_WAVE_SETTINGS, baseline: { from: '2025-01-17', to: '2025-01-17' } },
    });
    const d = driftMap(a.drift);
    expect(d.get('2025-01-17|all')).toBeCloseTo(0, 9);
    expect(d.get('2025-01-03|all')).toBeCloseTo(1, 9);
    // {a 0.6, c 0.4} vs {c 1}: M = {a 0.3, c 0.7}
    // KL(P‖M) = 0.6·log2(2) + 0.4·log2(0.4/0.7) = 0.6 + 0.4·(-0.8073549) = 0.2770580
    // KL(Q‖M) = log2(1/0.7) = 0.5145732 → JSD = 0.3958156
    expect(d.get('2025-01-15|all')).toBeCloseTo(0.3958156, 6);
  });

  it('is empty when the baseline window holds no posts', async () => {
    const a = await analyse(engine, await context(engine), {
      surgeStart: '2025-01-15',
      waves: { ...DEFAULT_WAVE_SETTINGS, baseline: { from: '2025-01-08', to: '2025-01-12' } },
    });
    expect(a.mix.length).toBeGreaterThan(0);
    expect(a.drift).toEqual([]);
  });

  it('driftFromMix directly: identical 0, disjoint 1, empty baseline → no rows', () => {
    const mix = [
      { bucket_start: 'x', group: 'all' as const, category: 'a', posts: 1, share: 0.5 },
      { bucket_start: 'x', group: 'all' as const, category: 'b', posts: 1, share: 0.5 },
      { bucket_start: 'y', group: 'new' as const, category: 'z', posts: 4, share: 1 },
    ];
    const base = [
      { category: 'a', posts: 2, share: 0.5 },
      { category: 'b', posts: 2, share: 0.5 },
    ];
    expect(driftFromMix(mix, base)).toEqual([
      { bucket_start: 'x', group: 'all', jsd: 0 },
      { bucket_start: 'y', group: 'new', jsd: 1 },
    ]);
    expect(driftFromMix(mix, [])).toEqual([]);
  });
});

describe('window mix and top movers', () => {
  it('Jan 15..17 against the baseline, ties broken by category', async () => {
    const ctx = await context(engine);
    const base = await windowMix(engine, ctx, { from: '2025-01-01', to: '2025-01-14' });
    expect(base).toEqual([
      { category: 'a', posts: 3, share: 0.75 },
      { category: 'b', posts: 1, share: 0.25 },
    ]);
    // Jan 15: a 3, c 2; Jan 16: a 3, b 1; Jan 17: c 1 → a 6, b 1, c 3 of 10
    const win = await windowMix(engine, ctx, { from: '2025-01-15', to: '2025-01-17' });
    expect(win).toEqual([
      { category: 'a', posts: 6, share: 0.6 },
      { category: 'b', posts: 1, share: 0.1 },
      { category: 'c', posts: 3, share: 0.3 },
    ]);
    // c: 0 → 30% (+30 pp); a: 75 → 60 (-15 pp); b: 25 → 10 (-15 pp); a before b on the tie
    const movers = topMovers(base, win);
    expect(movers.map((m) => m.category)).toEqual(['c', 'a', 'b']);
    expect(movers[0]?.change_pp).toBeCloseTo(30, 9);
    expect(movers[1]?.change_pp).toBeCloseTo(-15, 9);
    expect(movers[2]?.change_pp).toBeCloseTo(-15, 9);
    expect(await windowMix(engine, ctx, { from: '2025-01-06', to: '2025-01-14' })).toEqual([]);
  });
});
