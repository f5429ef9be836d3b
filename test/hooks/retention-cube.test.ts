/**
 * Retention pre-aggregates built ahead after a load: the cohort in use, then the one analysts
 * switch to most, so the first switch reads a cube; both join the stored copy.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { loadCubeSet } from '../../src/metrics/cubes.ts';
import { DEFAULT_WAVE_SETTINGS } from '../../src/metrics/params.ts';
import { prepareCubes } from '../../src/metrics/prepare.ts';
import { sampleEngine } from '../metrics/sample-engine.ts';

const persisted = vi.hoisted(() => [] as string[][]);
// The stored copy is the browser's (OPFS): here the request to save is what is checked.
vi.mock('../../src/hooks/persist.ts', () => ({
  persist: (tables: string[] | 'all') => {
    if (tables !== 'all') persisted.push(tables);
    return Promise.resolve();
  },
}));
const { AHEAD_MAX_POSTS, prefetchRetentionAhead, stopRetentionBuilds } =
  await import('../../src/hooks/retention-cube.ts');

let engine: Engine;
let posts: number;
beforeAll(async () => {
  const sample = await sampleEngine();
  engine = sample.engine;
  posts = sample.report.posts;
  await prepareCubes(engine, 'Asia/Tokyo', DEFAULT_WAVE_SETTINGS);
});
afterAll(async () => engine.close());

const built = async () =>
  ((await loadCubeSet(engine))?.retention ?? []).map((r) => `${r.tz} ${r.g}`).sort();

describe('prefetchRetentionAhead', () => {
  it('builds the cohort in use and then month (week from month), never day unasked', async () => {
    expect(await built()).toEqual([]);
    await prefetchRetentionAhead(engine, 'Asia/Tokyo', 'week', posts);
    expect(await built()).toEqual(['Asia/Tokyo month', 'Asia/Tokyo week']);
    // Each new cube's tables go to the stored copy.
    expect(persisted).toHaveLength(2);
    expect(persisted.every((t) => t.includes('cube_meta') && t.length === 4)).toBe(true);
    // Already there: nothing is built again.
    await prefetchRetentionAhead(engine, 'Asia/Tokyo', 'month', posts);
    expect(persisted).toHaveLength(2);
    await prefetchRetentionAhead(engine, 'UTC', 'month', posts);
    expect(await built()).toEqual(['Asia/Tokyo month', 'Asia/Tokyo week', 'UTC month', 'UTC week']);
  });

  it('builds nothing once the data changes under it (stopRetentionBuilds)', async () => {
    const before = await built();
    const prefetch = prefetchRetentionAhead(engine, 'Europe/Berlin', 'week', posts);
    // A load or a clear begins while the prefetch reads the context.
    await stopRetentionBuilds();
    await prefetch;
    expect(await built()).toEqual(before);
  });

  it('past AHEAD_MAX_POSTS builds only the cohort in use', async () => {
    await prefetchRetentionAhead(engine, 'Asia/Kolkata', 'week', AHEAD_MAX_POSTS + 1);
    expect((await built()).filter((b) => b.startsWith('Asia/Kolkata'))).toEqual([
      'Asia/Kolkata week',
    ]);
  });
});
