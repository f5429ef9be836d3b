/**
 * The one way components get data: `{ data, isLoading, error }` for an async function of the
 * engine, re-run when its key changes, with `enabled` so nothing queries before tables exist.
 * Results are cached by key, so toggling back to an earlier view redraws at once.
 */
import { useEffect, useState } from 'react';
import { analysisEngine, onConnectionChange } from '../db/clickhouse-connection.ts';
import type { Engine } from '../db/engine.ts';
import { snapshotKey } from '../share/snapshot-privacy.ts';

export interface QueryResult<T> {
  data: T | undefined;
  isLoading: boolean;
  error: Error | null;
}

const cache = new Map<string, unknown>();
const pending = new Map<string, Promise<unknown>>();
const MAX_CACHE = 200;

/**
 * Queries in flight, mirrored on <html data-queries> so the page (an "Updating" note), tests and
 * the benchmark can tell when every view has settled, even while stale results stay on screen.
 * Drawing staged over several tasks (use-stage.tsx) counts too, until its last chart is drawn.
 */
let inFlight = 0;
let started = 0;
const listeners = new Set<(n: number) => void>();
export function track(delta: number) {
  inFlight += delta;
  if (delta > 0) started += delta;
  document.documentElement.dataset.queries = String(inFlight);
  // How many queries have ever started: lets a benchmark tell "settled" from "not begun yet".
  document.documentElement.dataset.queriesStarted = String(started);
  for (const l of listeners) l(inFlight);
}

/** Subscribe to the number of queries in flight. */
export function onQueriesInFlight(listener: (n: number) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function queriesInFlight(): number {
  return inFlight;
}

/** Keys of the queries mounted views are showing: what a snapshot of the view must carry. */
const mounted = new Map<string, number>();

/**
 * Cached results of every mounted query. A snapshot keeps only the kinds views draw and folds
 * their small counts (share/snapshot-privacy.ts `shareableEntries`).
 */
export function mountedResults(): [string, unknown][] {
  return [...mounted.keys()].filter((k) => cache.has(k)).map((k) => [k, cache.get(k)]);
}

/**
 * Read-only mode for snapshots: results come only from the primed cache; nothing is queried,
 * and a view state the snapshot does not hold says so instead. Entries have been read through
 * their schemas (share/snapshot.ts); keys are looked up as a snapshot stores them
 * (`snapshotKey`: an attribution's wave without its counts).
 */
let frozen = false;
export function primeFromSnapshot(entries: readonly (readonly [string, unknown])[]): void {
  frozen = true;
  cache.clear();
  for (const [k, v] of entries) cache.set(snapshotKey(k), v);
}

/** Whether the page shows a snapshot (read-only, no data). */
export function isSnapshotOpen(): boolean {
  return frozen;
}

export const NOT_IN_SNAPSHOT =
  'This snapshot holds only the view it was made from; load the data to change it.';

function remember(key: string, data: unknown): void {
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(key, data);
}

/** Forget cached results (new data was loaded). */
export function clearQueryCache(): void {
  cache.clear();
}

// A result belongs to the engine that computed it: switching engines forgets them all.
onConnectionChange(clearQueryCache);

/**
 * `untracked`: work nobody waits on to see a view (the data's fingerprint for links) is left out
 * of the in-flight count, so "settled" means the views are drawn.
 */
export function useQuery<T>(
  key: string,
  run: (engine: Engine) => Promise<T>,
  enabled = true,
  untracked = false,
  /** The result without asking the engine, when it is known at once (undefined: it is not). */
  now?: () => T | undefined,
): QueryResult<T> {
  const [done, setDone] = useState<{ key: string; data?: T; error?: Error } | null>(null);
  const cached = frozen ? snapshotKey(key) : key;
  if (enabled && now && !frozen && !cache.has(key)) {
    const known = now();
    if (known !== undefined) remember(key, known);
  }
  useEffect(() => {
    if (!enabled) return;
    mounted.set(key, (mounted.get(key) ?? 0) + 1);
    return () => {
      const n = (mounted.get(key) ?? 1) - 1;
      if (n > 0) mounted.set(key, n);
      else mounted.delete(key);
    };
  }, [key, enabled]);
  useEffect(() => {
    if (!enabled || cache.has(cached)) return;
    if (frozen) return;
    let live = true;
    let promise = pending.get(key) as Promise<T> | undefined;
    if (!promise) {
      // One computation per key, however many components (or StrictMode re-runs) ask for it.
      if (!untracked) track(1);
      promise = analysisEngine()
        .then(run)
        .then((data) => {
          // Cached once, before the in-flight count drops, so "0 in flight" means "all cached".
          remember(key, data);
          return data;
        })
        .finally(() => {
          pending.delete(key);
          if (!untracked) track(-1);
        });
      pending.set(key, promise);
    }
    promise.then(
      (data) => {
        if (live) setDone({ key, data });
      },
      (err: unknown) => {
        if (live) setDone({ key, error: err instanceof Error ? err : new Error(String(err)) });
      },
    );
    return () => {
      live = false;
    };
    // `run` is described by `key`; re-running on its identity would query on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);
  if (!enabled) return { data: undefined, isLoading: false, error: null };
  if (cache.has(cached)) return { data: cache.get(cached) as T, isLoading: false, error: null };
  if (frozen) return { data: undefined, isLoading: false, error: new Error(NOT_IN_SNAPSHOT) };
  if (done?.key === key) return { data: undefined, isLoading: false, error: done.error ?? null };
  // While a new result is computed the last one stays on screen, so charts do not flash.
  return { data: done?.data, isLoading: true, error: null };
}
