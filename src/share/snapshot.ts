/**
 * Snapshot links: the current view's drawn results (never raw rows, user ids or a filter's value
 * list; counts under k people folded or hidden: snapshot-privacy.ts) plus its view state,
 * deflated and base64url-encoded into the URL fragment, which browsers never send to a server.
 * Opening one renders the same charts read-only with no data loaded.
 *
 * A snapshot is untrusted input: it is unpacked only up to {@link MAX_SNAPSHOT_BYTES} and every
 * entry is read through the schema of its kind (snapshot-schema.ts) before a view sees it;
 * entries of other kinds are dropped unread.
 */
import { describeIssue, entryKind, readEntry, snapshotSchema } from './snapshot-schema.ts';
import type { Entry } from './snapshot-schema.ts';
import type { Folding } from './snapshot-privacy.ts';

export const SNAPSHOT_PREFIX = '#snapshot=';
/** Longest fragment we put in a link; longer snapshots are offered as a file instead. */
export const MAX_SNAPSHOT_URL = 60_000;
/** Most bytes a snapshot unpacks to; past it, unpacking stops and the snapshot is refused. */
export const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024;
/** Input is read in slices this long, so no single step unpacks more than ~1 MB. */
const SLICE = 1024;

export interface Snapshot {
  v: 1;
  created: string;
  /** View state as URL search parameters. */
  search: string;
  fingerprint: string | null;
  /** The load version the cached keys were made with. */
  version: number;
  /** The analyst's title and note for it, shown at the top when it is opened. */
  title?: string;
  note?: string;
  /** How counts under k people were folded (absent in snapshots made before folding). */
  privacy?: Folding;
  entries: [string, unknown][];
}

/** A snapshot that cannot be made or opened, with a message for people. */
export class SnapshotError extends Error {}

const DAMAGED = 'This snapshot link is damaged and cannot be opened.';
const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

async function compress(bytes: Uint8Array): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/**
 * Inflate at most `limit` bytes. The input goes in small slices and the output is read as it
 * comes, so a small fragment that would inflate to hundreds of megabytes stops at the limit.
 */
async function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  let at = 0;
  const input = new ReadableStream<BufferSource>(
    {
      pull(controller) {
        if (at >= bytes.length) controller.close();
        else {
          controller.enqueue(bytes.slice(at, at + SLICE));
          at += SLICE;
        }
      },
    },
    { highWaterMark: 0 },
  );
  const reader = input.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      throw new SnapshotError(DAMAGED);
    }
    if (step.done) break;
    total += step.value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new SnapshotError(
        `This snapshot unpacks to more than ${mb(limit)}, more than any view Surgescope shares: it was not opened.`,
      );
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SnapshotError(DAMAGED);
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * Read a parsed snapshot through its schema and every entry through its kind's. Throws a
 * SnapshotError that says what is wrong (the first problem found).
 */
export function parseSnapshot(raw: unknown): Snapshot & { checked: Entry[] } {
  const outer = snapshotSchema.safeParse(raw);
  if (!outer.success)
    throw new SnapshotError(
      `This snapshot is not one Surgescope can show (${describeIssue(outer.error)}).`,
    );
  const checked: Entry[] = [];
  for (const [i, [key, value]] of outer.data.entries.entries()) {
    // Results of no kind a view draws (a value list or the fingerprint, which snapshots made
    // before folding carried) are left out unread: nothing reads them from the cache.
    if (entryKind(key) === null) continue;
    const read = readEntry(key, value);
    if (read.error !== null)
      throw new SnapshotError(
        `This snapshot is not one Surgescope can show (result ${i + 1}, ${read.error}).`,
      );
    checked.push(read.entry);
  }
  const { privacy, ...rest } = outer.data;
  return {
    ...rest,
    ...(privacy ? { privacy } : {}),
    entries: checked.map((e) => [e.key, e.value]),
    checked,
  };
}

/**
 * Pack a snapshot for a link. Refused (SnapshotError) when it would unpack to more than
 * MAX_SNAPSHOT_BYTES or would not pass the checks it meets when opened.
 */
export async function encodeSnapshot(snapshot: Snapshot): Promise<string> {
  const text = JSON.stringify(snapshot);
  const json = new TextEncoder().encode(text);
  if (json.length > MAX_SNAPSHOT_BYTES)
    throw new SnapshotError(
      `This view's results take ${mb(json.length)}, more than a snapshot holds (${mb(MAX_SNAPSHOT_BYTES)}): choose a coarser granularity or a shorter date range.`,
    );
  parseSnapshot(JSON.parse(text));
  return toBase64Url(await compress(json));
}

/** Decode a snapshot; throws a SnapshotError with a readable message for anything that is not one. */
export async function decodeSnapshot(encoded: string): Promise<Snapshot> {
  // Base64 of the largest snapshot that can unpack within the limit is far shorter than this.
  if (encoded.length > MAX_SNAPSHOT_BYTES)
    throw new SnapshotError(
      `This snapshot is ${mb(encoded.length)} long, more than any view Surgescope shares: it was not opened.`,
    );
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(encoded);
  } catch {
    throw new SnapshotError(DAMAGED);
  }
  const json = await inflate(bytes, MAX_SNAPSHOT_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new SnapshotError(DAMAGED);
  }
  const { checked: _checked, ...snapshot } = parseSnapshot(parsed);
  return snapshot;
}
