/**
 * Pre-aggregates give exactly the numbers of the raw tables (cubes.ts): every series kind,
 * breakdowns, attribution, the content mix, window mixes and retention (cells, wave groups and
 * segment curves), in zones with whole-hour, half-hour and DST offsets, at every granularity,
 * with and without segment filters and date ranges. Run on the committed sample.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { wholeData } from '../../src/metrics/analysis.ts';
import { loadContext } from '../../src/metrics/context.ts';
import { coverageOf, groupSpans } from '../../src/metrics/frame.ts';
import { labelToUtcMs } from '../../src/metrics/labels.ts';
import { contentMix, windowMix } from '../../src/metrics/mix.ts';
import type { Filters, Granularity, QueryContext } from '../../src/metrics/params.ts';
import { DEFAULT_WAVE_SETTINGS, SERIES_KINDS } from '../../src/metrics/params.ts';
import { ensureRetentionCube, prepareCubes } from '../../src/metrics/prepare.ts';
import { CUBE_TABLES } from '../../src/metrics/cubes.ts';
import { postRelation, signupRelation } from '../../src/metrics/relations.ts';
import { curves, retention, retentionBase } from '../../src/metrics/retention.ts';
import { attributionSql, breakdown } from '../../src/metrics/segments.ts';
import { series } from '../../src/metrics/series.ts';
import { detectWaves, surgeStart } from '../../src/metrics/waves.ts';
import { sampleEngine } from './sample-engine.ts';

let engine: Engine;
beforeAll(async () => {
  ({ engine } = await sampleEngine());
});
afterAll(async () => engine.close());

const FILTERS: [string, Filters][] = [
  ['no filter', {}],
  [
    'signups.country = US, CA',
    { segments: [{ table: 'signups', column: 'country', values: ['US', 'CA'] }] },
  ],
  ['posts.language = en', { segments: [{ table: 'posts', column: 'language', values: ['en'] }] }],
  [
    'country (missing) + dates',
    {
      from: '2025-01-10',
      to: '2025-02-05',
      segments: [{ table: 'signups', column: 'country', values: ['(missing)', 'BR'] }],
    },
  ],
];

describe.each(['UTC', 'Asia/Kolkata', 'America/New_York'])('cubes in %s', (tz) => {
  let cubed: QueryContext;
  beforeAll(async () => {
    const ctx = await prepareCubes(engine, tz, DEFAULT_WAVE_SETTINGS);
    if (!ctx) throw new Error('nothing loaded');
    cubed = ctx;
    for (const g of ['day', 'week', 'month'] as const)
      cubed = await ensureRetentionCube(engine, cubed, g);
  });

  it('are built and read', async () => {
    expect(cubed.cubes?.signups?.columns).toEqual(expect.arrayContaining(['country', 'source']));
    expect(cubed.cubes?.posts?.postColumns).toContain('language');
    expect(cubed.cubes?.retention.map((r) => r.g).sort()).toEqual(['day', 'month', 'week']);
    expect(signupRelation(cubed).text).toContain('cube_signups');
    // CUBE_TABLES (what a rebuilt stored copy saves) names every signup and post cube table.
    const made = await engine.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'cube%' ORDER BY 1`,
    );
    expect(made.map((r) => r.name)).toEqual([...CUBE_TABLES].sort());
    // Without a segment column in play, the lean cube; with one, the full cube.
    expect(postRelation(cubed).text).toContain('FROM cube_posts_lean k');
    const filtered = { ...cubed, filters: FILTERS[2]?.[1] ?? {} };
    expect(postRelation(filtered).text).toContain('FROM cube_posts k');
    expect(postRelation(cubed, { signupColumns: ['country'] }).text).toContain('FROM cube_posts k');
    expect(retentionBase(cubed, 'week', { kind: 'none' }).with).toContain('ret_week');
  });

  it.each(FILTERS)('equal the raw tables: %s', async (_label, filters) => {
    const withCubes = { ...cubed, filters };
    const raw = { ...withCubes, cubes: null };
    for (const g of ['hour', 'day', 'week', 'month'] as Granularity[]) {
      const all = await series(engine, wholeData(cubed), g, 'signups');
      const frame = detectWaves(
        all.points,
        DEFAULT_WAVE_SETTINGS,
        g,
        coverageOf(all.dataStart, cubed, g),
      );
      const start = surgeStart(frame, null);
      const surge = start === null ? null : labelToUtcMs(start, tz);
      for (const kind of SERIES_KINDS)
        expect(await series(engine, withCubes, g, kind, surge), `${g} ${kind}`).toEqual(
          await series(engine, raw, g, kind, surge),
        );
      expect(await contentMix(engine, withCubes, g, surge), `${g} mix`).toEqual(
        await contentMix(engine, raw, g, surge),
      );
      expect(await breakdown(engine, withCubes, g, 'country'), `${g} breakdown`).toEqual(
        await breakdown(engine, raw, g, 'country'),
      );
      const wave = frame?.waves[0];
      if (wave && frame) {
        const a = attributionSql(withCubes, g, 'source', wave, frame.baseline);
        const b = attributionSql(raw, g, 'source', wave, frame.baseline);
        const sort = (xs: { value: string }[]) => xs.sort((x, y) => x.value.localeCompare(y.value));
        expect(sort(await engine.query(a.text, a.params)), `${g} attribution`).toEqual(
          sort(await engine.query(b.text, b.params)),
        );
      }
      if (g === 'hour') continue;
      const spans = groupSpans(frame, start, g, tz);
      for (const cg of ['day', 'week', 'month'] as const) {
        expect(await retention(engine, withCubes, cg), `${g} retention ${cg}`).toEqual(
          await retention(engine, raw, cg),
        );
        expect(
          await curves(engine, withCubes, cg, { kind: 'group', spans }),
          `${g} groups ${cg}`,
        ).toEqual(await curves(engine, raw, cg, { kind: 'group', spans }));
      }
      expect(
        await curves(engine, withCubes, 'week', { kind: 'segment', column: 'country' }),
        `${g} by country`,
      ).toEqual(await curves(engine, raw, 'week', { kind: 'segment', column: 'country' }));
    }
    const window = { from: '2025-01-13', to: '2025-01-20' };
    expect(await windowMix(engine, withCubes, window)).toEqual(
      await windowMix(engine, raw, window),
    );
  });
});

describe('cubes fall back to the raw tables when they cannot serve a query', () => {
  it('distinct authors, an unknown surge start, a free-text column', async () => {
    const ctx = await prepareCubes(engine, 'UTC', DEFAULT_WAVE_SETTINGS);
    if (!ctx) throw new Error('nothing loaded');
    expect(postRelation(ctx, { user: true }).text).not.toContain('cube_posts');
    expect(postRelation(ctx, { surgeUtcMs: Date.UTC(2025, 0, 1, 7) }).text).not.toContain(
      'cube_posts',
    );
    expect(ctx.cubes?.posts?.postColumns).not.toContain('text');
    const text = {
      ...ctx,
      filters: {
        segments: [{ table: 'posts' as const, column: 'text', values: ['hello from tiktok'] }],
      },
    };
    expect(postRelation(text).text).not.toContain('cube_posts');
    expect((await loadContext(engine, 'UTC'))?.cubes?.posts).not.toBeNull();
  });

  it('a stored copy without the lean post cube reads the full one, with the same numbers', async () => {
    const ctx = await prepareCubes(engine, 'UTC', DEFAULT_WAVE_SETTINGS);
    if (!ctx) throw new Error('nothing loaded');
    expect(ctx.cubes?.posts?.lean).toBe(true);
    const lean = await contentMix(engine, ctx, 'day', null);
    // A date range alone is served by the lean cube, with the raw tables' numbers.
    const ranged = { ...ctx, filters: { from: '2025-01-10', to: '2025-02-05' } };
    expect(postRelation(ranged).text).toContain('cube_posts_lean');
    expect(await contentMix(engine, ranged, 'week', null)).toEqual(
      await contentMix(engine, { ...ranged, cubes: null }, 'week', null),
    );
    // Its meta still says lean; the table is gone.
    await engine.exec('DROP TABLE cube_posts_lean');
    const full = await loadContext(engine, 'UTC');
    if (!full) throw new Error('nothing loaded');
    expect(full.cubes?.posts?.lean).toBe(false);
    expect(postRelation(full).text).toContain('FROM cube_posts k');
    expect(await contentMix(engine, full, 'day', null)).toEqual(lean);
  });
});
