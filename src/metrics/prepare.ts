/**
 * Preparing the pre-aggregates after a load (cubes.ts): the signup cube first, then the frames
 * it gives at every granularity, whose surge starts and wave edges band the post cube and the
 * retention cubes, so that every granularity's newcomers and wave groups read from them.
 */
import type { Engine } from '../db/engine.ts';
import { buildPostCube, buildRetentionCube, buildSignupCube, dropCubes } from './cubes.ts';
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
): Promise<QueryContext> {
  if (!ctx.cubes?.signups) return ctx;
  if (ctx.cubes.retention.some((r) => r.tz === ctx.tz && r.g === g)) return ctx;
  await buildRetentionCube(engine, ctx, g, ctx.cubes.posts?.boundaries ?? []);
  const next = await loadContext(engine, ctx.tz, ctx.filters);
  return next ?? ctx;
}
