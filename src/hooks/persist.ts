/**
 * Saving the workspace to the browser's storage after each change, in the background: one save
 * at a time, later requests coalesced into the next one, with progress for the page to show.
 */
import { browserEngine } from '../db/browser-engine.ts';
import { saveToStore } from '../db/store.ts';
import type { SaveProgress } from '../db/store.ts';

export type PersistState =
  { saving: false; error: string | null } | { saving: true; progress: SaveProgress | null };

let state: PersistState = { saving: false, error: null };
let queued: Set<string> | 'all' | null = null;
let running: Promise<void> | null = null;
let stop = new AbortController();
const listeners = new Set<() => void>();

function set(next: PersistState) {
  state = next;
  // Mirrored for tests: a reload before the save ends brings back the previous copy.
  document.documentElement.dataset.saving = next.saving ? '1' : '0';
  for (const l of listeners) l();
}

export const persistState = () => state;
export function onPersistChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Ask for the named tables (or everything) to be saved; returns when the save queue is empty. */
export async function persist(tables: readonly string[] | 'all' = 'all'): Promise<void> {
  if (queued === 'all' || tables === 'all') queued = 'all';
  else queued = new Set([...(queued ?? []), ...tables]);
  if (running) return;
  running = saveQueued().finally(() => {
    running = null;
  });
  await running;
}

async function saveQueued(): Promise<void> {
  const signal = stop.signal;
  try {
    while (queued && !signal.aborted) {
      const now: readonly string[] | null = queued === 'all' ? null : [...queued];
      queued = null;
      const engine = await browserEngine();
      if (!engine.store) break;
      set({ saving: true, progress: null });
      await saveToStore(engine, now, (p) => set({ saving: true, progress: p }), signal);
    }
    set({ saving: false, error: null });
  } catch (err) {
    // Given up on for a change to the data: the save after the change replaces it.
    if (signal.aborted) set({ saving: false, error: null });
    else set({ saving: false, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Give up on the save in progress (the data is about to change; the stored copy stays as it
 * was until the next save) and wait until it has stopped.
 */
export async function stopSaving(): Promise<void> {
  stop.abort(new Error('The data changed while it was being saved.'));
  stop = new AbortController();
  queued = null;
  await running?.catch(() => {});
}
