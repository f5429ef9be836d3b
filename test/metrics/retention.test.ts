/**
 * Cohort retention (metrics.md "Cohort retention") on retention_signups.csv / retention_posts.csv.
 *
 * ISO weeks: W0 = Mon Jan 6, W1 = Jan 13, W2 = Jan 20, W3 = Jan 27, W4 = Feb 3 (2025, UTC).
 * Cohorts: W0 = a1 (Mon 10:00), a2 (Wed), a4 (Thu), a3 (Sun Jan 12 23:00) → 4; W1 = b1, b2 → 2;
 * W2 = c1 (no posts at all) → 1.
 * Posts: a1 Jan 7 ×2 (k0), Jan 14 (k1), Jan 28 (k3), Feb 3 09:00 (k4);  a2 Jan 8 (k0), Jan 21 (k2);
 *        a3 Jan 5 (week Dec 30: before the cohort → ignored), Jan 12 22:00 (same week, k0);
 *        a4 Jan 2 only (earlier week → ignored);  b1 Jan 14 (k0), Jan 29 (k2);  b2 Jan 27 (k2);
 *        x7 (not in signups) Feb 3 10:00 → absent from retention, but it is the dataset end.
 * Dataset end Feb 3 10:00 → last (partial) bucket W4. Cells of cohort c run k = 0..W4-c and are
 * complete iff c + k < W4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { averageCurve, cellInterval, splitCohorts } from '../../src/metrics/retention-shape.ts';
import { postsBeforeCohortSql, retention } from '../../src/metrics/retention.ts';
import { addDays } from '../../src/metrics/stats.ts';
import { analyse, context, csv, fixtureText, loadEngine } from './helpers.ts';

type Cell = [string, number, number, number, number, boolean];
const cellTuples = (cells: Awaited<ReturnType<typeof retention>>): Cell[] =>
  cells.map((c) => [
    c.cohort_start,
    c.cohort_size,
    c.period,
    c.active_users,
    c.active_on_or_after,
    c.complete,
  ]);

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine(
    fixtureText('retention_signups.csv'),
    fixtureText('retention_posts.csv'),
  );
});
afterAll(async () => engine.close());

describe('weekly cohorts', () => {
  it('every cell: size, period, On, On-or-after, complete', async () => {
    const cells = await retention(engine, await context(engine), 'week');
    // On-or-after per user = reached max period: a1 4, a2 2, a3 0, a4 -, b1 2, b2 2, c1 -
    expect(cellTuples(cells)).toEqual([
      // cohort, size, k, On, On-or-after, complete
      ['2025-01-06', 4, 0, 3, 3, true], // a1 a2 a3 (a4's only post is before) | a1 a2 a3
      ['2025-01-06', 4, 1, 1, 2, true], // a1 | a1 a2
      ['2025-01-06', 4, 2, 1, 2, true], // a2 | a1 a2
      ['2025-01-06', 4, 3, 1, 1, true], // a1 | a1
      ['2025-01-06', 4, 4, 1, 1, false], // a1 in the last, partial week
      ['2025-01-13', 2, 0, 1, 2, true], // b1 | b1 b2
      ['2025-01-13', 2, 1, 0, 2, true],
      ['2025-01-13', 2, 2, 2, 2, true], // b1 b2
      ['2025-01-13', 2, 3, 0, 0, false],
      ['2025-01-20', 1, 0, 0, 0, true], // c1 never posts
      ['2025-01-20', 1, 1, 0, 0, true],
      ['2025-01-20', 1, 2, 0, 0, false],
    ]);
    // retention = On / size: 3/4, 1/4, 1/4, 1/4, 1/4, 1/2, 0, 1, 0, 0, 0, 0
    expect(cells.map((c) => c.retention)).toEqual([
      0.75, 0.25, 0.25, 0.25, 0.25, 0.5, 0, 1, 0, 0, 0, 0,
    ]);
  });

  it('average curve: weighted over complete cells only, with Wilson intervals', async () => {
    const cells = await retention(engine, await context(engine), 'week');
    // k0: (3 + 1 + 0) / (4 + 2 + 1) = 4/7   k1: (1 + 0 + 0) / 7 = 1/7
    // k2: W0 1/4 + W1 2/2 (W2 k2 incomplete) = 3/6   k3: W0 only (W1 k3 incomplete) = 1/4
    // k4: no complete cell → no point
    const on = averageCurve(cells, 'on');
    expect(on.map((p) => [p.period, p.active, p.size])).toEqual([
      [0, 4, 7],
      [1, 1, 7],
      [2, 3, 6],
      [3, 1, 4],
    ]);
    expect(on[0]?.retention).toBeCloseTo(4 / 7, 12);
    // Wilson 4/7: denom 1 + z²/7 = 1.5487798; centre (0.5714286 + z²/14) / denom = 0.5461193
    // half = z·sqrt(0.2448980/7 + z²/196) / denom = 1.959964·sqrt(0.0545847) / 1.5487798 = 0.2956609
    expect(on[0]?.low).toBeCloseTo(0.2504584, 6);
    expect(on[0]?.high).toBeCloseTo(0.8417801, 6);
    // Wilson 1/7: centre (0.1428571 + 0.2743899) / 1.5487798 = 0.2694037;
    // half = 1.959964·sqrt(0.0174927 + 0.0195993) / 1.5487798 = 0.2437241
    expect(on[1]?.low).toBeCloseTo(0.0256796, 6);
    expect(on[1]?.high).toBeCloseTo(0.5131278, 6);
    // Wilson 3/6: denom 1.6402431, centre 0.5, half 1.959964·sqrt(0.0416667 + 0.0266768) / denom
    //           = 0.3123837
    expect(on[2]?.low).toBeCloseTo(0.1876163, 6);
    expect(on[2]?.high).toBeCloseTo(0.8123837, 6);
    // On or after: k0 (3 + 2 + 0)/7, k1 (2 + 2 + 0)/7, k2 (2 + 2)/6, k3 1/4
    const after = averageCurve(cells, 'on_or_after');
    expect(after.map((p) => [p.period, p.active, p.size])).toEqual([
      [0, 5, 7],
      [1, 4, 7],
      [2, 4, 6],
      [3, 1, 4],
    ]);
  });

  it('cell intervals: 3 of 4 by the hand formula', async () => {
    const cells = await retention(engine, await context(engine), 'week');
    // p = 0.75, n = 4: denom 1 + z²/4 = 1.9603647; centre (0.75 + z²/8) / denom = 0.6275273
    // half = z·sqrt(0.1875/4 + z²/64) / denom = 1.959964·sqrt(0.1068978) / 1.9603647 = 0.3268854
    const ci = cells[0] ? cellInterval(cells[0]) : null;
    expect(ci?.low).toBeCloseTo(0.3006418, 6);
    expect(ci?.high).toBeCloseTo(0.9544127, 6);
  });

  it('posts in an earlier week than the signup are ignored and counted', async () => {
    const sql = postsBeforeCohortSql(await context(engine), 'week');
    // a3 Jan 5 and a4 Jan 2 (a3's Jan 12 22:00 post is in its own signup week)
    expect(await engine.query(sql.text, sql.params)).toEqual([{ n: 2 }]);
  });

  it('splitCohorts at the surge start', async () => {
    const cells = await retention(engine, await context(engine), 'week');
    const next = (d: string) => addDays(d, 7);
    const starts = (xs: typeof cells) => [...new Set(xs.map((c) => c.cohort_start))];
    // Wed Jan 15: W0 ends Jan 13 (pre); W1 ends Jan 20 > Jan 15 (holds surge signups)
    const s = splitCohorts(cells, '2025-01-15', next);
    expect(starts(s.pre)).toEqual(['2025-01-06']);
    expect(starts(s.surge)).toEqual(['2025-01-13', '2025-01-20']);
    // Mon Jan 13: W0 ends exactly at it → pre
    expect(starts(splitCohorts(cells, '2025-01-13', next).pre)).toEqual(['2025-01-06']);
    expect(splitCohorts(cells, null, next).surge).toEqual([]);
  });
});

describe('monthly and daily cohorts', () => {
  it('month: every user in one cohort; same-month posts before signup count as period 0', async () => {
    const cells = await retention(engine, await context(engine), 'month');
    // January: 7 users. k0 = posts in January: a1 a2 a3 a4 (Jan 2 is in January) b1 b2 → 6.
    // Last bucket February (Feb 3) → k1 incomplete; a1 posts Feb 3 → 1.
    expect(cellTuples(cells)).toEqual([
      ['2025-01-01', 7, 0, 6, 6, true],
      ['2025-01-01', 7, 1, 1, 1, false],
    ]);
    const sql = postsBeforeCohortSql(await context(engine), 'month');
    expect(await engine.query(sql.text, sql.params)).toEqual([{ n: 0 }]);
    // The only complete cell: 6/7
    expect(averageCurve(cells).map((p) => [p.period, p.active, p.size])).toEqual([[0, 6, 7]]);
  });

  it('day: spans to Feb 3, period 0 includes a post earlier the same day', async () => {
    const cells = await retention(engine, await context(engine), 'day');
    const by = new Map(cells.map((c) => [`${c.cohort_start}|${c.period}`, c]));
    // Cohort Jan 6 (a1): Jan 6 → Feb 3 is 28 days → cells k 0..28, k 28 incomplete
    const a1 = cells.filter((c) => c.cohort_start === '2025-01-06');
    expect(a1).toHaveLength(29);
    expect(a1.filter((c) => c.active_users > 0).map((c) => [c.period, c.complete])).toEqual([
      [1, true], // Jan 7 (two posts, one user)
      [8, true], // Jan 14
      [22, true], // Jan 28
      [28, false], // Feb 3
    ]);
    // Cohort Jan 12 (a3, signup 23:00): post 22:00 the same day → k0 active; Jan 5 ignored
    expect(by.get('2025-01-12|0')).toMatchObject({ cohort_size: 1, active_users: 1 });
    // Cohort Jan 22 (c1): 12 days to Feb 3 → 13 cells, all zero
    const c1 = cells.filter((c) => c.cohort_start === '2025-01-22');
    expect(c1).toHaveLength(13);
    expect(c1.every((c) => c.active_on_or_after === 0)).toBe(true);
    const sql = postsBeforeCohortSql(await context(engine), 'day');
    expect(await engine.query(sql.text, sql.params)).toEqual([{ n: 2 }]);
  });

  it('runAnalysis uses the cohort setting (default week)', async () => {
    const a = await analyse(engine, await context(engine));
    expect(new Set(a.retention.map((c) => c.cohort_start))).toEqual(
      new Set(['2025-01-06', '2025-01-13', '2025-01-20']),
    );
  });
});

describe('completeness follows the data end in the report time zone', () => {
  let tzEngine: Engine;
  // u1 signs up Mon Jan 6 12:00Z (20:00 Shanghai); posts Sun Jan 12 20:00Z = Mon Jan 13 04:00
  // Shanghai. UTC: one week, one incomplete cell. Shanghai: the post opens week Jan 13.
  beforeAll(async () => {
    tzEngine = await loadEngine(
      csv('user_id,signup_at', ['u1,2025-01-06T12:00:00Z']),
      csv('user_id,created_at,category', ['u1,2025-01-12T20:00:00Z,talk']),
    );
  });
  afterAll(async () => tzEngine.close());

  it('UTC vs Asia/Shanghai', async () => {
    const utc = await retention(tzEngine, await context(tzEngine, 'UTC'), 'week');
    expect(cellTuples(utc)).toEqual([['2025-01-06', 1, 0, 1, 1, false]]);
    const sh = await retention(tzEngine, await context(tzEngine, 'Asia/Shanghai'), 'week');
    expect(cellTuples(sh)).toEqual([
      ['2025-01-06', 1, 0, 0, 1, true],
      ['2025-01-06', 1, 1, 1, 1, false],
    ]);
  });
});
