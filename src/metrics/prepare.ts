/**
 * Preparing the pre-aggregates after a load (cubes.ts): the signup cube first, then the frames
 * it gives at every granularity, whose surge starts and wave edges band the post cube and the
 * retention cubes, so that every granularity's newcomers and wave groups read from them.
 */
import type { Engine, RunOptions } from '../db/engine.ts';
import { sqlString } from '../db/engine.ts';
import {
  buildPostCube,
  buildRetentionCube,
  buildSignupCube,
  dropCubes,
  loadCubeSet,
} from './cubes.ts';
import { loadContext } from './context.ts';
import { coverageOf, groupSpans, mergeBoundaries, spanBoundaries } from './frame.ts';
import type { CohortGranularity, Granularity, QueryContext, WaveSettings } from './params.ts';
import { series } from './series.ts';
import { detectWaves, surgeStart } from './waves.ts';

export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'week', 'month'];

/**
 * Every instant at which some granularity's frame (detected on all the data, in the context's
 * zone) starts the surge or starts or ends a wave; plus the override surge start, if any.
 */
export async function frameBoundaries(
  engine: Engine,
  ctx: QueryContext,
  settings: WaveSettings,
  override: string | null = null,
): Promise<number[]> {
  const whole = { ...ctx, filters: {} };
  const lists: number[][] = [];
  for (const g of GRANULARITIES) {
    const s = await series(engine, whole, g, 'signups');
    const frame = detectWaves(s.points, settings, g, coverageOf(s.dataStart, ctx, g));
    lists.push(spanBoundaries(groupSpans(frame, surgeStart(frame, override), g, ctx.tz)));
  }
  return mergeBoundaries(...lists);
}

/** What the loaded data is, for telling whether stored pre-aggregates were built from it. */
export async function dataSignature(engine: Engine): Promise<string> {
  const rows = await engine.query<{ s: string | null }>(
    `SELECT string_agg(CAST(file_id AS VARCHAR) || ':' || md5(report), ',' ORDER BY file_id) AS s FROM files`,
  );
  return rows[0]?.s ?? '';
}

/**
 * Whether the stored pre-aggregates were built from the data as it is now (a reload finds
 * them in the browser's storage and need not build them again).
 */
export async function cubesCurrent(engine: Engine): Promise<boolean> {
  const meta = await loadCubeSet(engine);
  if (!meta?.signups || !meta.posts) return false;
  const rows = await engine.query<{ info: string }>(
    "SELECT info FROM cube_meta WHERE name = 'signature'",
  );
  return rows[0]?.info === (await dataSignature(engine));
}

/** Build the signup and post cubes from scratch (after any change to the data). */
export async function prepareCubes(
  engine: Engine,
  tz: string,
  settings: WaveSettings,
  override: string | null = null,
): Promise<QueryContext | null> {
  await dropCubes(engine);
  const bare = await loadContext(engine, tz);
  if (!bare) return null;
  await buildSignupCube(engine);
  const ctx = await loadContext(engine, tz);
  if (!ctx) return null;
  await buildPostCube(engine, await frameBoundaries(engine, ctx, settings, override));
  await engine.exec(
    `INSERT INTO cube_meta VALUES ('signature', ${sqlString(await dataSignature(engine))})`,
  );
  return loadContext(engine, tz);
}

/**
 * The retention cube for the context's zone and a cohort granularity, built when missing, with
 * the post cube's boundaries (so wave groups read from it wherever the post cube serves them).
 */
export async function ensureRetentionCube(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  options?: RunOptions,
): Promise<QueryContext> {
  if (!ctx.cubes?.signups) return ctx;
  if (ctx.cubes.retention.some((r) => r.tz === ctx.tz && r.g === g)) return ctx;
  await buildRetentionCube(engine, ctx, g, ctx.cubes.posts?.boundaries ?? [], options);
  // Only the cubes changed: the data's range and columns (a scan of every post) are not asked
  // again, in the foreground, at a moment an analyst may be clicking.
  return { ...ctx, cubes: await loadCubeSet(engine) };
}
