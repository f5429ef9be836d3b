/**
 * A crafted snapshot is refused quickly with a message: unpacking stops past the limit, and every
 * entry is read through the schema of its kind (periods, rows, string lengths, dates, shapes).
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  MAX_SNAPSHOT_BYTES,
  SnapshotError,
  decodeSnapshot,
  encodeSnapshot,
  parseSnapshot,
} from '../../src/share/snapshot.ts';
import type { Snapshot } from '../../src/share/snapshot.ts';
import { SNAPSHOT_LIMITS, readEntry } from '../../src/share/snapshot-schema.ts';

const CTX_KEY = 'ctx:1:UTC:null:null:[]';
const ctx = {
  tz: 'UTC',
  range: { minMs: Date.UTC(2025, 0, 1), maxMs: Date.UTC(2025, 1, 1), endMs: Date.UTC(2025, 1, 1) },
  filters: { from: null, to: null, segments: [] },
  schema: { signups: ['country'], posts: [] },
  cubes: null,
};
const cell = (period: number, cohort = '2025-01-06') => ({
  cohort_start: cohort,
  cohort_size: 40,
  period,
  active_users: 10,
  retention: 0.25,
  active_on_or_after: 12,
  complete: true,
});
const triangleKey = 'retention-triangle:UTC:1:2:2:null:null:[]:week';
const snapshot = (entries: [string, unknown][]): Snapshot => ({
  v: 1,
  created: '2025-02-03T10:00:00.000Z',
  search: 'view=retention',
  fingerprint: null,
  version: 1,
  entries,
});
const good = () =>
  snapshot([
    [CTX_KEY, ctx],
    [triangleKey, { g: 'week', cells: [cell(0), cell(1)] }],
  ]);

/** A fragment as the app makes it: raw deflate, base64url. */
const pack = (value: unknown) =>
  deflateRawSync(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))).toString(
    'base64url',
  );

const refusal = async (encoded: string) => {
  try {
    await decodeSnapshot(encoded);
  } catch (err) {
    expect(err).toBeInstanceOf(SnapshotError);
    return (err as Error).message;
  }
  throw new Error('the snapshot was accepted');
};

describe('snapshot limits', () => {
  it('a snapshot the app makes decodes to itself', async () => {
    const s = good();
    expect(await decodeSnapshot(await encodeSnapshot(s))).toEqual(s);
    expect(await decodeSnapshot(pack(s))).toEqual(s);
  });

  it('a fragment that inflates past the limit stops there, quickly', async () => {
    // ~200 KB of fragment that would inflate to 200 MB (the review's was 274 KB to 210 MB).
    const bomb = deflateRawSync(Buffer.alloc(200 * 1024 * 1024, 0x20)).toString('base64url');
    expect(bomb.length).toBeLessThan(400_000);
    const t0 = performance.now();
    const used0 = process.memoryUsage().arrayBuffers;
    expect(await refusal(bomb)).toMatch(/unpacks to more than 5 MB/);
    expect(performance.now() - t0).toBeLessThan(5_000);
    // What was kept while reading stays near the limit, never near 200 MB.
    expect(process.memoryUsage().arrayBuffers - used0).toBeLessThan(60 * 1024 * 1024);
  });

  it('just under the limit opens; a bit over is refused', async () => {
    const pad = (n: number) => {
      const s = good();
      const base = JSON.stringify(s).length;
      return { ...s, search: `view=retention&x=${'a'.repeat(Math.max(0, n - base - 8))}` };
    };
    // The view state is bounded on its own: these stay within the search limit.
    const under = pad(SNAPSHOT_LIMITS.search - 100);
    expect(await decodeSnapshot(pack(under))).toEqual(under);
    const over = ' '.repeat(MAX_SNAPSHOT_BYTES + 1);
    expect(await refusal(pack(over))).toMatch(/more than 5 MB/);
  });

  it('an encoded text longer than the limit is refused before it is read', async () => {
    expect(await refusal('A'.repeat(MAX_SNAPSHOT_BYTES + 1))).toMatch(/more than any view/);
  });

  it('damaged text, bad base64, bad deflate and bad JSON are "damaged"', async () => {
    for (const bad of ['', '!!!', 'abc$', 'AAAA', pack('{"v":1,'), pack('\u0000\u0001')])
      expect(await refusal(bad)).toMatch(/damaged/);
  });

  it.each([
    ['a period of 30,000,000', [triangleKey, { g: 'week', cells: [cell(0), cell(30_000_000)] }]],
    ['a negative period', [triangleKey, { g: 'week', cells: [cell(-1)] }]],
    ['a fractional count', [triangleKey, { g: 'week', cells: [{ ...cell(0), cohort_size: 1.5 }] }]],
    ['a cohort in year 9999', [triangleKey, { g: 'week', cells: [cell(0, '9999-12-27')] }]],
    ['a cohort on Feb 30', [triangleKey, { g: 'week', cells: [cell(0, '2025-02-30')] }]],
    ['cells that are not a list', [triangleKey, { g: 'week', cells: 'many' }]],
    [
      'a triangle grid too large to draw',
      [
        triangleKey,
        {
          g: 'day',
          cells: [
            ...Array.from({ length: 200 }, (_, i) =>
              cell(0, `2025-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}`),
            ),
            cell(SNAPSHOT_LIMITS.period),
          ],
        },
      ],
    ],
    [
      'series points as text',
      ['series:UTC:1:2:2:null:null:[]:day:signups:null', { points: 'x', dataStart: null }],
    ],
    [
      'an hour label at hour 25',
      ['series:k', { points: [{ bucket_start: '2025-01-01T25:00', value: 1 }], dataStart: null }],
    ],
    [
      'hour buckets over 30 years',
      [
        'series:k',
        {
          points: [
            { bucket_start: '2000-01-01T00:00', value: 1 },
            { bucket_start: '2030-01-01T00:00', value: 1 },
          ],
          dataStart: null,
        },
      ],
    ],
    [
      'a 20,000-character value',
      ['breakdown:k', [{ bucket_start: '2025-01-01', value: 'x'.repeat(20_000), signups: 9 }]],
    ],
    [
      'too many rows',
      [
        'series:k',
        {
          // Rows short enough to stay under the byte limit: the row limit refuses them.
          points: Array.from({ length: SNAPSHOT_LIMITS.rows + 1 }, () => ({
            bucket_start: '2025-01-01',
            value: 1,
          })),
          dataStart: null,
        },
      ],
    ],
    [
      'date buckets in an hourly mix',
      [
        'mix:k',
        {
          g: 'hour',
          surgeUtcMs: null,
          rows: ['1900-01-01', '2199-12-31'].map((b) => ({
            bucket_start: b,
            group: 'all',
            category: 'food',
            posts: 9,
            share: 1,
          })),
        },
      ],
    ],
    ['a context with an unknown zone', [CTX_KEY, { ...ctx, tz: 'Mars/Base' }]],
    [
      'a context with ranges as text',
      [CTX_KEY, { ...ctx, range: { minMs: 'a', maxMs: 'b', endMs: 'c' } }],
    ],
    [
      'a context that ends before it starts',
      [CTX_KEY, { ...ctx, range: { minMs: 5e12, maxMs: 1e12, endMs: 1e12 } }],
    ],
  ])('refuses %s with a message, never a throw elsewhere', async (_, entry) => {
    const message = await refusal(pack(snapshot([[CTX_KEY, ctx], entry as [string, unknown]])));
    expect(message).toMatch(/^This snapshot is not one Surgescope can show \(result 2, /);
  });

  it.each([
    ['no entries list', { ...good(), entries: 'x' }],
    ['entries that are not pairs', { ...good(), entries: [['a']] }],
    ['a wrong version', { ...good(), v: 2 }],
    ['a creation date that is not one', { ...good(), created: 'yesterday' }],
    ['too many entries', { ...good(), entries: Array.from({ length: 101 }, () => [CTX_KEY, ctx]) }],
    ['a huge view state', { ...good(), search: 'x'.repeat(SNAPSHOT_LIMITS.search + 1) }],
    ['k under 2', { ...good(), privacy: { k: 1, folded: 0, hidden: 0 } }],
  ])('refuses a snapshot with %s', async (_, s) => {
    expect(await refusal(pack(s))).toMatch(/^This snapshot is not one Surgescope can show \(/);
  });

  it('a snapshot too large to open is refused when made, not when opened', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => ({
      bucket_start: '2025-01-01',
      value: `value number ${i} with some length to it`,
      signups: 9,
    }));
    await expect(encodeSnapshot(snapshot([['breakdown:k', rows]]))).rejects.toThrow(
      /more than a snapshot holds \(5 MB\)/,
    );
    await expect(
      encodeSnapshot(snapshot([[triangleKey, { g: 'week', cells: [cell(5_000)] }]])),
    ).rejects.toThrow(/period/);
  });

  it('drops results of no kind a view draws, unread (old snapshots carried value lists)', async () => {
    const s = snapshot([
      ['values:1:signups:email', [{ value: 'a@b.example', n: 1 }]],
      [CTX_KEY, ctx],
      ['fingerprint:1', { id: 'v1-1s-1p-abc', hostile: 'x'.repeat(1000) }],
      ['nonsense', 'not even an object'],
    ]);
    expect((await decodeSnapshot(pack(s))).entries.map(([key]) => key)).toEqual([CTX_KEY]);
  });

  it('parsing keeps only the fields views read', () => {
    const read = readEntry('series:k', {
      points: [{ bucket_start: '2025-01-01', value: 3, extra: '<script>' }],
      dataStart: null,
      more: 1,
    });
    expect(read.entry?.value).toEqual({
      points: [{ bucket_start: '2025-01-01', value: 3 }],
      dataStart: null,
    });
    expect(parseSnapshot(good()).checked.map((e) => e.kind)).toEqual(['ctx', 'retention-triangle']);
  });

  it('carries a title and a note within their limits, and refuses longer ones', () => {
    const base = snapshot([[CTX_KEY, ctx]]);
    const read = parseSnapshot({ ...base, title: 'The January wave', note: 'Jan 19: dark' });
    expect([read.title, read.note]).toEqual(['The January wave', 'Jan 19: dark']);
    expect(() => parseSnapshot({ ...base, title: 'x'.repeat(121) })).toThrow(SnapshotError);
    expect(() => parseSnapshot({ ...base, note: 'x'.repeat(1001) })).toThrow(SnapshotError);
    expect(() => parseSnapshot({ ...base, title: 42 })).toThrow(SnapshotError);
  });
});
