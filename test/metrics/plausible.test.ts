/**
 * Implausible timestamps are left out of every analysis (ingest/plausible.ts, README
 * "Choices"): with sentinels dated 0001-01-01, 1970-01-01 (epoch 0) and 9999-12-31 added, the
 * series, waves, content mix, drift and retention are exactly those of the data without them.
 * And a series can never explode: past MAX_SERIES_BUCKETS it is refused, naming a coarser
 * granularity.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import {
  MAX_SERIES_BUCKETS,
  SeriesTooLongError,
  series,
  seriesLength,
} from '../../src/metrics/series.ts';
import { analyse, context, csv, loadEngine } from './helpers.ts';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});
async function load(signups: string, posts: string | null): Promise<Engine> {
  const e = await loadEngine(signups, posts);
  engines.push(e);
  return e;
}

/** Jan 1..28 2025: two signups a day, twenty a day on Jan 20..22; each user posts twice. */
function realData(): { signups: string[]; posts: string[] } {
  const signups: string[] = [];
  const posts: string[] = [];
  for (let d = 1; d <= 28; d++) {
    const n = d >= 20 && d <= 22 ? 20 : 2;
    for (let k = 0; k < n; k++) {
      const uid = `u${d}_${k}`;
      const day = `2025-01-${String(d).padStart(2, '0')}`;
      signups.push(
        `${uid},${day}T${String(k % 24).padStart(2, '0')}:00:00Z,${k % 2 ? 'BR' : 'US'}`,
      );
      posts.push(`${uid},${day}T23:00:00Z,${d >= 20 ? 'memes' : 'news'}`);
      if (d + 7 <= 28)
        posts.push(`${uid},2025-01-${String(d + 7).padStart(2, '0')}T12:00:00Z,news`);
    }
  }
  return { signups, posts };
}

const SENTINEL_SIGNUPS = [
  'x1,0,US', // epoch 0
  'x2,0001-01-01T00:00:00Z,BR',
  'x3,9999-12-31T23:59:59Z,US',
  'x4,1970-01-01 00:00:00,US',
];
const SENTINEL_POSTS = [
  'u1_0,1970-01-01T00:00:00Z,spam',
  'x2,0001-01-02T00:00:00Z,spam',
  'x3,9999-12-31T00:00:00Z,spam',
  'x1,2025-01-10T00:00:00Z,news', // a plausible post by a user whose signup is not
];

describe('implausible rows are left out of every analysis', () => {
  it('day granularity, week cohorts: the same results as without them', async () => {
    const { signups, posts } = realData();
    const clean = await load(
      csv('user_id,signup_at,country', signups),
      csv('user_id,created_at,category', [...posts, 'x1,2025-01-10T00:00:00Z,news']),
    );
    const dirty = await load(
      csv('user_id,signup_at,country', [...signups, ...SENTINEL_SIGNUPS]),
      csv('user_id,created_at,category', [...posts, ...SENTINEL_POSTS]),
    );
    const cleanCtx = await context(clean);
    const dirtyCtx = await context(dirty);
    expect(dirtyCtx.range).toEqual(cleanCtx.range);
    expect(cleanCtx.filters.from).toBeUndefined();
    expect(dirtyCtx.filters).toMatchObject({ from: '2025-01-01', to: '2025-01-28' });

    const a = await analyse(clean, cleanCtx);
    const b = await analyse(dirty, dirtyCtx);
    expect(b.signups).toHaveLength(28);
    expect(b.signups[0]?.bucket_start).toBe('2025-01-01');
    expect(b.waves?.baseline).toMatchObject({ from: '2025-01-01', to: '2025-01-14', median: 2 });
    expect(b.waves?.waves.map((w) => [w.start, w.end])).toEqual([['2025-01-20', '2025-01-22']]);
    expect(b.signups).toEqual(a.signups);
    expect(b.waves).toEqual(a.waves);
    expect(b.mix).toEqual(a.mix);
    expect(b.drift).toEqual(a.drift);
    expect(b.retention).toEqual(a.retention);
    expect(b.groups).toEqual(a.groups);
    expect(b.mix.some((m) => m.category === 'spam')).toBe(false);
  });

  it('hour granularity, New York, posts series: the same results as without them', async () => {
    const { signups, posts } = realData();
    const clean = await load(
      csv('user_id,signup_at,country', signups),
      csv('user_id,created_at,category', posts),
    );
    const dirty = await load(
      csv('user_id,signup_at,country', [...signups, ...SENTINEL_SIGNUPS]),
      csv('user_id,created_at,category', [...posts, ...SENTINEL_POSTS.slice(0, 3)]),
    );
    const params = { granularity: 'hour', cohort: 'day', series: 'posts' } as const;
    const a = await analyse(clean, await context(clean, 'America/New_York'), params);
    const b = await analyse(dirty, await context(dirty, 'America/New_York'), params);
    expect(b.signups.length).toBeGreaterThan(24 * 27);
    expect(b.signups.length).toBeLessThan(24 * 29);
    expect(b).toEqual(a);
  });

  it('a chosen date range stays inside the plausible data', async () => {
    const { signups } = realData();
    const dirty = await load(
      csv('user_id,signup_at,country', [...signups, ...SENTINEL_SIGNUPS]),
      null,
    );
    const inside = await context(dirty, 'UTC', { from: '2025-01-05', to: '2025-01-09' });
    expect(inside.filters).toMatchObject({ from: '2025-01-05', to: '2025-01-09' });
    const wide = await context(dirty, 'UTC', { from: '1960-01-01', to: '9999-01-01' });
    expect(wide.filters).toMatchObject({ from: '2025-01-01', to: '2025-01-28' });
  });

  it('nothing plausible: no context, nothing to analyse', async () => {
    const only = await load(csv('user_id,signup_at', ['a,0', 'b,9999-01-01T00:00:00Z']), null);
    const { loadContext } = await import('../../src/metrics/context.ts');
    expect(await loadContext(only, 'UTC')).toBeNull();
  });
});

describe('a series cannot explode', () => {
  it('more hour buckets than the cap: refused, naming coarser granularities', async () => {
    // 2000-01-01 and 2025-01-01 are both plausible: 25 years, 219,000 hours.
    const e = await load(
      csv('user_id,signup_at', ['a,2000-01-01T00:00:00Z', 'b,2025-01-01T00:00:00Z']),
      null,
    );
    const ctx = await context(e);
    expect(seriesLength(ctx.range, 'hour')).toBeGreaterThan(MAX_SERIES_BUCKETS);
    const failed = series(e, ctx, 'hour');
    await expect(failed).rejects.toBeInstanceOf(SeriesTooLongError);
    await expect(series(e, ctx, 'hour')).rejects.toThrow(
      /2000-01-01 to 2025-01-01: about 219,\d{3} hour buckets, more than the 200,000.*coarser granularity \(day, week or month\)/,
    );
    // Day buckets fit: every day from the first to the last, zeros included.
    const days = await series(e, ctx, 'day');
    expect(days.points).toHaveLength(9133);
    expect(days.points.reduce((s, p) => s + p.value, 0)).toBe(2);
  });

  it('seriesLength bounds the buckets of every granularity', () => {
    const range = {
      minMs: Date.UTC(2024, 0, 31, 22),
      maxMs: Date.UTC(2024, 2, 1, 3),
      endMs: Date.UTC(2024, 2, 1, 3),
    };
    // Jan 31 22:00 .. Mar 1 03:00 UTC (2024 is a leap year): 29 days 5 hours.
    expect(seriesLength(range, 'hour')).toBe(29 * 24 + 5 + 2);
    expect(seriesLength(range, 'day')).toBe(31);
    expect(seriesLength(range, 'week')).toBe(6);
    expect(seriesLength(range, 'month')).toBe(4);
  });
});
