/**
 * Which pre-aggregates the database holds right now, read once per change and shared by every
 * query. Cubes give exactly the raw tables' numbers, so a query's cache key never depends on
 * them: a cube built later only makes later queries faster.
 */
import type { Engine } from '../db/engine.ts';
import { loadCubeSet } from '../metrics/cubes.ts';
import type { CubeSet, QueryContext } from '../metrics/params.ts';

let current: Promise<CubeSet | null> | null = null;
const listeners = new Set<() => void>();

/** The cube set, read from the database on first use after a change. */
export function currentCubes(engine: Engine): Promise<CubeSet | null> {
  current ??= loadCubeSet(engine).catch(() => null);
  return current;
}

/** The context with whatever cubes exist now. */
export async function withCubes(engine: Engine, ctx: QueryContext): Promise<QueryContext> {
  // The pre-aggregates live in the browser's DuckDB; a cluster is queried as loaded.
  if (engine.dialect === 'clickhouse') return { ...ctx, cubes: null };
  return { ...ctx, cubes: await currentCubes(engine) };
}

/** Cubes were built or dropped: read them again on next use. */
export function cubesChanged(): void {
  current = null;
  for (const l of listeners) l();
}

export function onCubesChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
