/**
 * The retention pre-aggregate for a zone and cohort granularity, built on first use (seconds at
 * millions of posts) and shared by every retention query after it. Concurrent queries (the
 * triangle, the group curves, the breakdown) wait for one build instead of starting three, and
 * the view can say "Preparing…" while it runs.
 */
import { useCallback, useSyncExternalStore } from 'react';
import type { Engine } from '../../db/engine.ts';
import { cubesChanged, withCubes } from '../../hooks/cube-session.ts';
import type { CohortGranularity, CubeSet, QueryContext } from '../../metrics/params.ts';
import { ensureRetentionCube } from '../../metrics/prepare.ts';

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
export async function retentionContext(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
): Promise<QueryContext> {
  const current = await withCubes(engine, ctx);
  const cubes = current.cubes;
  if (!cubes?.signups || cubes.retention.some((r) => r.tz === ctx.tz && r.g === g)) return current;
  const key = buildKey(ctx.tz, g);
  let job = building.get(key);
  if (!job) {
    job = queue
      // Cubes read again once its turn comes: an earlier build may have made this one.
      .then(async () => ensureRetentionCube(engine, await withCubes(engine, ctx), g))
      .then((next) => {
        cubesChanged();
        return next.cubes ?? null;
      })
      .finally(() => {
        building.delete(key);
        changed();
      });
    building.set(key, job);
    queue = job.catch(() => undefined);
    changed();
  }
  try {
    return { ...ctx, cubes: await job };
  } catch (e) {
    console.warn('Could not prepare the retention cube; reading the raw tables.', e);
    return current;
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
