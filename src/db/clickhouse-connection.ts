/**
 * Which engine the analyses run on in the browser: DuckDB in this tab (the default), or a
 * ClickHouse cluster reached through the app's own server at `<base>clickhouse` (the proxy in
 * vite.config.ts adds the credentials from its environment; the browser never holds them).
 * Views read the engine through `analysisEngine()`; switching clears every cached result.
 */
import { browserEngine } from './browser-engine.ts';
import type { Engine } from './engine.ts';
import { openClickHouseNamed } from './clickhouse-engine.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';

export type Connection =
  | { status: 'off' }
  | { status: 'connecting' }
  | {
      status: 'on';
      engine: ClickHouseEngine;
      /** A data version of its own, so no cached DuckDB result is read for ClickHouse. */
      version: number;
      signups: number;
      posts: number;
      server: string;
    }
  | { status: 'error'; message: string };

let state: Connection = { status: 'off' };
const listeners = new Set<() => void>();
let versions = 1_000_000;

function set(next: Connection): void {
  state = next;
  for (const l of listeners) l();
}

export const connectionState = (): Connection => state;

export function onConnectionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The proxy's address on this page's origin. */
export function proxyUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}clickhouse`, window.location.origin).href;
}

/** Say what went wrong in words an analyst can act on. */
function explain(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/UNKNOWN_TABLE|Table .* doesn't exist|Code: 60/.test(text))
    return 'ClickHouse answered, but it holds no Surgescope tables yet. Load them with `npm run analyze -- --clickhouse URL --load` (see the README).';
  return text;
}

/** Connect to the cluster behind the proxy and check it holds the signups and posts tables. */
export async function connectClickHouse(): Promise<void> {
  if (state.status === 'connecting' || state.status === 'on') return;
  set({ status: 'connecting' });
  try {
    // The database the proxy reads: CLICKHOUSE_DATABASE, else the user's default.
    const engine = await openClickHouseNamed({ url: proxyUrl() });
    const [row] = await engine.query<{ signups: number; posts: number; server: string }>(
      'SELECT (SELECT count() FROM signups) AS signups, (SELECT count() FROM posts) AS posts, version() AS server',
    );
    set({
      status: 'on',
      engine,
      version: ++versions,
      signups: Number(row?.signups ?? 0),
      posts: Number(row?.posts ?? 0),
      server: String(row?.server ?? ''),
    });
  } catch (err) {
    set({ status: 'error', message: explain(err) });
  }
}

/** Back to DuckDB in this tab. */
export function disconnectClickHouse(): void {
  set({ status: 'off' });
}

/** The engine the analyses run on now. */
export async function analysisEngine(): Promise<Engine> {
  return state.status === 'on' ? state.engine : browserEngine();
}

/** Whether this server has a ClickHouse behind its proxy, or why not (its own words). */
export async function probeProxy(): Promise<{ ready: true } | { ready: false; message: string }> {
  try {
    const res = await fetch(`${proxyUrl()}/status`);
    if (!res.ok)
      return { ready: false, message: `This server has no ClickHouse proxy (HTTP ${res.status}).` };
    if (!(res.headers.get('Content-Type') ?? '').includes('application/json'))
      return { ready: false, message: 'This server has no ClickHouse proxy.' };
    const status = (await res.json()) as { ready?: unknown; message?: unknown };
    return status.ready === true
      ? { ready: true }
      : { ready: false, message: String(status.message ?? 'ClickHouse is not available.') };
  } catch (err) {
    return { ready: false, message: err instanceof Error ? err.message : String(err) };
  }
}
