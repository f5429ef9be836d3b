/**
 * The retention pre-aggregate for a zone and cohort granularity, built on first use (seconds at
 * millions of posts) and shared by every retention query after it. Concurrent queries (the
 * triangle, the group curves, the breakdown) wait for one build instead of starting three, and
 * the view can say "Preparing…" while it runs.
 *
 * After a load the cubes for the default cohort and the next one an analyst is likely to pick
 * are built ahead of need, in the background: their
 * statements run in the pauses between clicks and are cancelled and run again when a click
 * comes. Once the retention view waits for it, its remaining statements go in the foreground.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { Engine } from '../db/engine.ts';
import { cubesChanged, withCubes } from './cube-session.ts';
import { persist } from './persist.ts';
import type { CohortGranularity, CubeSet, QueryContext } from '../metrics/params.ts';
import { ensureRetentionCube } from '../metrics/prepare.ts';
import { loadContext } from '../metrics/context.ts';

const building = new Map<string, Promise<CubeSet | null>>();
/**
 * Builds run one after another: each stages its users and activity in the same temporary
 * tables, so two at once (week, then month picked quickly) would read each other's rows.
 */
let queue: Promise<unknown> = Promise.resolve();
const listeners = new Set<() => void>();
const buildKey = (tz: string, g: CohortGranularity) => `${tz}:${g}`;

function changed() {
  for (const l of listeners) l();
}

/**
 * The context to read retention with: the cubes that exist now, plus the retention cube for the
 * zone and `g`, built first if missing. A failed build leaves the raw tables to answer (the same
 * numbers, slower) rather than failing the view.
 */
/** Builds someone is waiting for (their statements take the foreground lane). */
const wanted = new Set<string>();
/** Aborted when the data changes under the builds (stopRetentionBuilds). */
let stop = new AbortController();

/**
 * Give up on retention builds in progress and wait until none runs: the data is about to
 * change (a load, a removal, a clear, new frame settings). Its remaining statements are not run.
 */
export async function stopRetentionBuilds(): Promise<void> {
  stop.abort(new Error('The data changed while retention was being prepared.'));
  stop = new AbortController();
  await queue;
}

function build(engine: Engine, ctx: QueryContext, g: CohortGranularity): Promise<CubeSet | null> {
  const key = buildKey(ctx.tz, g);
  let job = building.get(key);
  if (job) return job;
  const options = { background: () => !wanted.has(key), restartable: true, signal: stop.signal };
  job = queue
    // Cubes read again once its turn comes: an earlier build may have made this one.
    .then(async () => ensureRetentionCube(engine, await withCubes(engine, ctx), g, options))
    .then((next) => {
      cubesChanged();
      // The new pre-aggregate joins the browser's stored copy, so a reload keeps it.
      const built = next.cubes?.retention.find((r) => r.tz === ctx.tz && r.g === g);
      if (built)
        void persist([
          `${built.name}_sizes`,
          `${built.name}_active`,
          `${built.name}_reach`,
          'cube_meta',
        ]);
      return next.cubes ?? null;
    })
    .finally(() => {
      building.delete(key);
      wanted.delete(key);
      changed();
    });
  building.set(key, job);
  queue = job.catch(() => undefined);
  changed();
  return job;
}

const missing = (cubes: CubeSet | null | undefined, tz: string, g: CohortGranularity) =>
  Boolean(cubes?.signups) && !cubes?.retention.some((r) => r.tz === tz && r.g === g);

/**
 * The context to read retention with: the cubes that exist now, plus the retention cube for the
 * zone and `g`, built first if missing. A failed build leaves the raw tables to answer (the same
 * numbers, slower) rather than failing the view.
 */
export async function retentionContext(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
): Promise<QueryContext> {
  const current = await withCubes(engine, ctx);
  if (engine.dialect === 'clickhouse') return current;
  if (!missing(current.cubes, ctx.tz, g)) return current;
  wanted.add(buildKey(ctx.tz, g));
  try {
    return { ...ctx, cubes: await build(engine, current, g) };
  } catch (e) {
    console.warn('Could not prepare the retention cube; reading the raw tables.', e);
    return current;
  }
}

/**
 * Start building the retention cube for the zone and `g` in the background, if missing, unless
 * `signal` (the builds' signal when the prefetch began) was aborted meanwhile: the data changed,
 * and a build started now would run on top of the change.
 */
async function prefetchRetention(
  engine: Engine,
  bare: QueryContext,
  g: CohortGranularity,
  signal: AbortSignal,
): Promise<void> {
  const tz = bare.tz;
  const ctx = await withCubes(engine, bare);
  if (!missing(ctx.cubes, tz, g) || signal.aborted) return;
  await build(engine, ctx, g).catch(() => undefined);
}

/** Past this many posts only the cohort in use is built ahead (see prefetchRetentionAhead). */
export const AHEAD_MAX_POSTS = 12_000_000;

/**
 * After a load: the cube for the cohort in use, then the one analysts switch to most (month
 * from week or day, week from month), so that the first switch reads a cube instead of waiting
 * seconds for one. Day cohorts (the largest build) are made when asked for, and so is the
 * second cube past AHEAD_MAX_POSTS: near the tab's memory limit (24M posts at scale 100) a
 * build nobody asked for must not take the room.
 */
export async function prefetchRetentionAhead(
  engine: Engine,
  tz: string,
  g: CohortGranularity,
  /** Posts loaded (the ingest report's count). */
  posts: number,
): Promise<void> {
  // Until stopRetentionBuilds aborts it, this is the signal every build started here runs with.
  const signal = stop.signal;
  try {
    const bare = await loadContext(engine, tz);
    if (!bare || signal.aborted) return;
    await prefetchRetention(engine, bare, g, signal);
    if (signal.aborted || posts > AHEAD_MAX_POSTS) return;
    await prefetchRetention(engine, bare, g === 'month' ? 'week' : 'month', signal);
  } catch {
    // Work nobody waits for: the view builds what it needs when it is opened.
  }
}

/** Whether the retention cube for the zone and `g` is being built right now. */
export function useRetentionPreparing(tz: string, g: CohortGranularity): boolean {
  const subscribe = useCallback((listener: () => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return useSyncExternalStore(
    subscribe,
    () => building.has(buildKey(tz, g)),
    () => false,
  );
}
