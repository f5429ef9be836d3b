/**
 * Signup series (metrics.md "Buckets", `signups(b)`): every bucket from the first signup's to the
 * last signup's, zeros included, in the report time zone. Expected series are worked out by hand
 * from the fixture timestamps (weekday and local time noted per row).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { context, fixtureText, loadEngine, pairs, signupSeries } from './helpers.ts';

/** Every date from `from` to `to` inclusive, stepping `step` days. */
function dates(from: string, to: string, step = 1): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`);) {
    out.push(d.toISOString().slice(0, 10));
    d = new Date(d.getTime() + step * 86_400_000);
  }
  return out;
}

/** A zero-filled series over `labels` with the given non-zero counts. */
function zeroFilled(labels: string[], counts: Record<string, number>) {
  return labels.map((l) => [l, counts[l] ?? 0] as const);
}

describe('signup series, UTC, day/hour/week/month (signups_days.csv)', () => {
  // u1 Jan 1 10:00, u2 Jan 1 23:59:59, u3 Jan 4 00:00, u4 Jan 4 12:00, u5 Jan 4 13:00;
  // the second u1 row (Jan 3) is a duplicate: u1 keeps Jan 1. Five distinct users.
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(fixtureText('signups_days.csv'), null);
  });
  afterAll(async () => engine.close());

  it('day: empty buckets are zeros', async () => {
    const s = await signupSeries(engine, await context(engine), 'day');
    // Jan 1: u1 u2 = 2; Jan 2, Jan 3: none (the duplicate u1 does not count); Jan 4: u3 u4 u5
    expect(pairs(s)).toEqual([
      ['2025-01-01', 2],
      ['2025-01-02', 0],
      ['2025-01-03', 0],
      ['2025-01-04', 3],
    ]);
  });

  it('hour: YYYY-MM-DDTHH:00 labels, every hour from the first to the last', async () => {
    const s = await signupSeries(engine, await context(engine), 'hour');
    // Jan 1 10:00 → Jan 4 13:00 is 3 days + 3 hours = 75 hours later → 76 buckets
    expect(s).toHaveLength(76);
    expect(s[0]).toEqual({ bucket_start: '2025-01-01T10:00', signups: 1 });
    expect(s[75]).toEqual({ bucket_start: '2025-01-04T13:00', signups: 1 });
    const nonZero = s.filter((b) => b.signups > 0).map((b) => b.bucket_start);
    expect(nonZero).toEqual([
      '2025-01-01T10:00',
      '2025-01-01T23:00',
      '2025-01-04T00:00',
      '2025-01-04T12:00',
      '2025-01-04T13:00',
    ]);
  });

  it('week and month: a single bucket', async () => {
    const ctx = await context(engine);
    // 2025-01-01 is a Wednesday: its ISO week starts Monday 2024-12-30; Jan 4 (Sat) is in it too.
    expect(pairs(await signupSeries(engine, ctx, 'week'))).toEqual([['2024-12-30', 5]]);
    expect(pairs(await signupSeries(engine, ctx, 'month'))).toEqual([['2025-01-01', 5]]);
  });
});

describe('signup series, UTC, weeks and months with gaps (signups_weeks_months.csv)', () => {
  // w1 Sun Jan 5 23:00, w2 Mon Jan 6 00:00, w3 Mon Jan 27, w4 Fri Jan 31, w5 Tue Apr 1
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(fixtureText('signups_weeks_months.csv'), null);
  });
  afterAll(async () => engine.close());

  it('week: ISO Monday starts, a Sunday belongs to the previous Monday', async () => {
    const s = await signupSeries(engine, await context(engine), 'week');
    // 2024-12-30 → 2025-03-31 is 91 days = 13 weeks → 14 buckets
    expect(pairs(s)).toEqual(
      zeroFilled(dates('2024-12-30', '2025-03-31', 7), {
        '2024-12-30': 1, // w1 (Sunday Jan 5)
        '2025-01-06': 1, // w2 (Monday 00:00 opens the new week)
        '2025-01-27': 2, // w3, w4
        '2025-03-31': 1, // w5 (Tuesday Apr 1)
      }),
    );
    expect(s).toHaveLength(14);
  });

  it('month: empty months are zeros', async () => {
    const s = await signupSeries(engine, await context(engine), 'month');
    expect(pairs(s)).toEqual([
      ['2025-01-01', 4],
      ['2025-02-01', 0],
      ['2025-03-01', 0],
      ['2025-04-01', 1],
    ]);
  });
});

describe('signup series in Asia/Shanghai (+08:00, no DST) (signups_shanghai.csv)', () => {
  // local: s1 Jan 1 23:59:59, s2 Jan 2 00:00, s3 Jan 2 04:00 (20:00Z), s4 Mon Jan 6 00:00,
  // s5 Sat Feb 1 00:30
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(fixtureText('signups_shanghai.csv'), null);
  });
  afterAll(async () => engine.close());

  it('day: 20:00Z falls on the next local day', async () => {
    const s = await signupSeries(engine, await context(engine, 'Asia/Shanghai'), 'day');
    // Jan 1 → Feb 1 local: 32 buckets
    expect(pairs(s)).toEqual(
      zeroFilled(dates('2025-01-01', '2025-02-01'), {
        '2025-01-01': 1,
        '2025-01-02': 2,
        '2025-01-06': 1,
        '2025-02-01': 1,
      }),
    );
    // The same data in UTC: s1 s2 s3 on Jan 1, s4 Jan 5, s5 Jan 31 → Jan 1 .. Jan 31 (31 buckets)
    const utc = await signupSeries(engine, await context(engine, 'UTC'), 'day');
    expect(pairs(utc)).toEqual(
      zeroFilled(dates('2025-01-01', '2025-01-31'), {
        '2025-01-01': 3,
        '2025-01-05': 1,
        '2025-01-31': 1,
      }),
    );
  });

  it('hour: local hour labels', async () => {
    const s = await signupSeries(engine, await context(engine, 'Asia/Shanghai'), 'hour');
    expect(s.slice(0, 6)).toEqual([
      { bucket_start: '2025-01-01T23:00', signups: 1 },
      { bucket_start: '2025-01-02T00:00', signups: 1 },
      { bucket_start: '2025-01-02T01:00', signups: 0 },
      { bucket_start: '2025-01-02T02:00', signups: 0 },
      { bucket_start: '2025-01-02T03:00', signups: 0 },
      { bucket_start: '2025-01-02T04:00', signups: 1 },
    ]);
  });

  it('week and month follow the local calendar', async () => {
    const sh = await context(engine, 'Asia/Shanghai');
    // local Monday Jan 6 00:00 opens week 2025-01-06; Feb 1 (Sat) is in week 2025-01-27
    expect(pairs(await signupSeries(engine, sh, 'week'))).toEqual([
      ['2024-12-30', 3],
      ['2025-01-06', 1],
      ['2025-01-13', 0],
      ['2025-01-20', 0],
      ['2025-01-27', 1],
    ]);
    expect(pairs(await signupSeries(engine, sh, 'month'))).toEqual([
      ['2025-01-01', 4],
      ['2025-02-01', 1],
    ]);
    // In UTC s4 is Sunday Jan 5 (week 2024-12-30) and s5 is Jan 31 (January)
    const utc = await context(engine, 'UTC');
    expect(pairs(await signupSeries(engine, utc, 'week'))).toEqual([
      ['2024-12-30', 4],
      ['2025-01-06', 0],
      ['2025-01-13', 0],
      ['2025-01-20', 0],
      ['2025-01-27', 1],
    ]);
    expect(pairs(await signupSeries(engine, utc, 'month'))).toEqual([['2025-01-01', 5]]);
  });
});

describe('signup series in America/New_York around DST (signups_new_york_dst.csv)', () => {
  // Spring forward 2025-03-09 07:00Z (EST -5 → EDT -4); fall back 2025-11-02 06:00Z.
  // n1 04:30Z Mar 9 = Mar 8 23:30 EST   n2 05:30Z Mar 9 = Mar 9 00:30 EST
  // n3 03:30Z Mar 10 = Mar 9 23:30 EDT  n4 04:30Z Mar 10 = Mar 10 00:30 EDT
  // f1 03:30Z Nov 2 = Nov 1 23:30 EDT   f2 04:30Z Nov 2 = Nov 2 00:30 EDT
  // f3 04:30Z Nov 3 = Nov 2 23:30 EST   f4 05:30Z Nov 3 = Nov 3 00:30 EST
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(fixtureText('signups_new_york_dst.csv'), null);
  });
  afterAll(async () => engine.close());

  it('day: the offset in force at each instant decides the local day', async () => {
    const s = await signupSeries(engine, await context(engine, 'America/New_York'), 'day');
    // Mar 8 → Nov 3: 24 (Mar) + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 3 (Nov) = 241 days
    expect(pairs(s)).toEqual(
      zeroFilled(dates('2025-03-08', '2025-11-03'), {
        '2025-03-08': 1,
        '2025-03-09': 2,
        '2025-03-10': 1,
        '2025-11-01': 1,
        '2025-11-02': 2,
        '2025-11-03': 1,
      }),
    );
    expect(s).toHaveLength(241);
  });

  it('week: Sunday Mar 9 / Nov 2 stay in the week of the previous Monday', async () => {
    const s = await signupSeries(engine, await context(engine, 'America/New_York'), 'week');
    const got = new Map(pairs(s));
    // Mar 8 (Sat), Mar 9 (Sun) → week 2025-03-03: n1 n2 n3; Mar 10 (Mon) → n4
    expect(got.get('2025-03-03')).toBe(3);
    expect(got.get('2025-03-10')).toBe(1);
    // Nov 1 (Sat), Nov 2 (Sun) → week 2025-10-27: f1 f2 f3; Nov 3 (Mon) → f4
    expect(got.get('2025-10-27')).toBe(3);
    expect(got.get('2025-11-03')).toBe(1);
    // Mar 3 → Nov 3 is 245 days = 35 weeks → 36 buckets, 8 signups in all
    expect(s).toHaveLength(36);
    expect(s.reduce((a, b) => a + b.signups, 0)).toBe(8);
  });

  it('hour: signups land in their local wall-clock hour', async () => {
    const s = await signupSeries(engine, await context(engine, 'America/New_York'), 'hour');
    const nonZero = s.filter((b) => b.signups > 0).map((b) => [b.bucket_start, b.signups]);
    expect(nonZero).toEqual([
      ['2025-03-08T23:00', 1],
      ['2025-03-09T00:00', 1],
      ['2025-03-09T23:00', 1],
      ['2025-03-10T00:00', 1],
      ['2025-11-01T23:00', 1],
      ['2025-11-02T00:00', 1],
      ['2025-11-02T23:00', 1],
      ['2025-11-03T00:00', 1],
    ]);
  });

  it('hour: a local hour skipped by the DST change is not a bucket; a repeated one is one bucket', async () => {
    const s = await signupSeries(engine, await context(engine, 'America/New_York'), 'hour');
    const labels = s.map((b) => b.bucket_start);
    // 2025-03-09: clocks jump from 02:00 to 03:00 local, so 01:00 is followed by 03:00.
    const i = labels.indexOf('2025-03-09T01:00');
    expect(labels.slice(i, i + 2)).toEqual(['2025-03-09T01:00', '2025-03-09T03:00']);
    expect(labels).not.toContain('2025-03-09T02:00');
    // 2025-11-02: 01:00 local happens twice (EDT then EST): one label, no duplicate.
    expect(labels.filter((l) => l === '2025-11-02T01:00')).toHaveLength(1);
    // First bucket 2025-03-08T23:00 to last 2025-11-03T00:00 local: 239 days + 1 hour of wall
    // clock = 5737 hours → 5738 labels, less the skipped 02:00 on Mar 9 = 5737 (Nov 2's
    // repeated hour is a single label).
    expect(s).toHaveLength(5737);
  });
});
