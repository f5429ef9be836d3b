/**
 * Snapshot links: the current view's aggregated results (never raw rows or user ids: only the
 * cached query results a view draws from) plus its view state, deflated and base64url-encoded
 * into the URL fragment, which browsers never send to a server. Opening one renders the same
 * charts read-only with no data loaded.
 */

export const SNAPSHOT_PREFIX = '#snapshot=';
/** Longest fragment we put in a link; longer snapshots are offered as a file instead. */
export const MAX_SNAPSHOT_URL = 60_000;

export interface Snapshot {
  v: 1;
  created: string;
  /** View state as URL search parameters. */
  search: string;
  fingerprint: string | null;
  /** The load version the cached keys were made with. */
  version: number;
  entries: [string, unknown][];
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function encodeSnapshot(snapshot: Snapshot): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(snapshot));
  return toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** Decode a snapshot; throws a readable error for anything that is not one. */
export async function decodeSnapshot(encoded: string): Promise<Snapshot> {
  let parsed: unknown;
  try {
    const bytes = await pipe(fromBase64Url(encoded), new DecompressionStream('deflate-raw'));
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('This snapshot link is damaged and cannot be opened.');
  }
  const s = parsed as Partial<Snapshot>;
  if (
    s?.v !== 1 ||
    typeof s.search !== 'string' ||
    typeof s.version !== 'number' ||
    typeof s.created !== 'string' ||
    !Array.isArray(s.entries) ||
    !s.entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')
  ) {
    throw new Error('This snapshot link is not one Surgescope can read.');
  }
  return s as Snapshot;
}
