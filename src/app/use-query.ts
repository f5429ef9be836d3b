/**
 * The one way components get data: `{ data, isLoading, error }` for an async function of the
 * engine, re-run when its key changes, with `enabled` so nothing queries before tables exist.
 * Results are cached by key, so toggling back to an earlier view redraws at once.
 */
import { useEffect, useState } from 'react';
import { browserEngine } from '../db/browser-engine.ts';
import type { Engine } from '../db/engine.ts';

export interface QueryResult<T> {
  data: T | undefined;
  isLoading: boolean;
  error: Error | null;
}

const cache = new Map<string, unknown>();
const MAX_CACHE = 200;

/** Forget cached results (new data was loaded). */
export function clearQueryCache(): void {
  cache.clear();
}

export function useQuery<T>(
  key: string,
  run: (engine: Engine) => Promise<T>,
  enabled = true,
): QueryResult<T> {
  const [done, setDone] = useState<{ key: string; data?: T; error?: Error } | null>(null);
  useEffect(() => {
    if (!enabled || cache.has(key)) return;
    let live = true;
    browserEngine()
      .then(run)
      .then(
        (data) => {
          if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
          cache.set(key, data);
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
  if (cache.has(key)) return { data: cache.get(key) as T, isLoading: false, error: null };
  if (done?.key === key) return { data: undefined, isLoading: false, error: done.error ?? null };
  // While a new result is computed the last one stays on screen, so charts do not flash.
  return { data: done?.data, isLoading: true, error: null };
}
