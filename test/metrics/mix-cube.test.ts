import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import { loadContext } from '../../src/metrics/context.ts';
import { contentMix, windowMix } from '../../src/metrics/mix.ts';
import { ensureMixCube } from '../../src/metrics/mix-cube.ts';
import type { Granularity } from '../../src/metrics/params.ts';

const SAMPLE = ['signups_app.csv', 'signups_web.csv', 'posts_mobile.csv', 'posts_web.csv'].map(
  (f) => path.resolve('data/sample', f),
);

describe('the mix cube gives exactly the numbers of raw posts', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openNodeEngine({ allowedPaths: SAMPLE });
    await ingestFiles(
      engine,
      SAMPLE.map((f) => ({
        input: pathInput(f),
        options: {
          table: path.basename(f).startsWith('signups') ? ('signups' as const) : ('posts' as const),
        },
      })),
    );
  });
  afterAll(async () => engine.close());

  const cases: [string, Granularity, string | null, { from?: string; to?: string }][] = [
    ['UTC', 'day', '2025-01-13', {}],
    ['UTC', 'hour', '2025-01-13T05:00', { from: '2025-01-12', to: '2025-01-15' }],
    ['Asia/Kolkata', 'week', '2025-01-13', {}],
    ['America/New_York', 'month', null, { from: '2025-01-20' }],
    ['Australia/Lord_Howe', 'day', '2025-02-03', { to: '2025-01-31' }],
  ];
  it.each(cases)('%s, %s buckets, surge %s, range %j', async (tz, g, surge, range) => {
    const ctx = await loadContext(engine, tz, range);
    if (!ctx) throw new Error('no data');
    const cube = await ensureMixCube(engine, ctx, surge);
    const raw = await contentMix(engine, ctx, g, surge);
    const fast = await contentMix(engine, ctx, g, surge, cube);
    expect(raw.length).toBeGreaterThan(0);
    expect(fast).toEqual(raw);
    const window = { from: '2025-01-13', to: '2025-01-23' };
    expect(await windowMix(engine, ctx, window, cube)).toEqual(
      await windowMix(engine, ctx, window),
    );
  });

  it('falls back to raw posts when a segment filter applies', async () => {
    const ctx = await loadContext(engine, 'UTC', {
      segments: [{ table: 'signups', column: 'country', values: ['US'] }],
    });
    if (!ctx) throw new Error('no data');
    const cube = await ensureMixCube(engine, ctx, '2025-01-13');
    const all = await contentMix(engine, { ...ctx, filters: {} }, 'day', '2025-01-13', cube);
    const us = await contentMix(engine, ctx, 'day', '2025-01-13', cube);
    const total = (rows: typeof us) =>
      rows.filter((r) => r.group === 'all').reduce((s, r) => s + r.posts, 0);
    expect(total(us)).toBeLessThan(total(all));
    expect(us).toEqual(await contentMix(engine, ctx, 'day', '2025-01-13'));
  });
});
