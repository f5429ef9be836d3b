/**
 * scanRecords: one whole-file pass that counts DuckDB's accepted records, locates the rejected and
 * wanted ones (physical start line, field count, raw text) and builds a compact ordinal -> line
 * map. Same rules as the first scanner (reference-line-index.ts), which the property test below holds it to.
 * Expected lines counted by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateRecords } from './reference-line-index.ts';
import { lineOf, scanRecords } from '../../src/ingest/record-scan.ts';
import type { ScanQuery, ScanResult } from '../../src/ingest/record-scan.ts';

const encoder = new TextEncoder();

function bytesOf(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? encoder.encode(text) : text;
}

async function* chunked(text: string | Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const bytes = bytesOf(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Chunks of the given sizes in turn (cycling), copied to offsets 0-3 of fresh buffers. */
async function* sized(
  text: string | Uint8Array,
  sizes: readonly number[],
): AsyncIterable<Uint8Array> {
  const bytes = bytesOf(text);
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = Math.max(1, sizes[k % sizes.length] ?? 1);
    const part = bytes.subarray(i, i + size);
    const offset = k % 4; // the scanner reads aligned words; misaligned chunks take a copy
    const home = new Uint8Array(part.length + 3);
    home.set(part, offset);
    yield home.subarray(offset, offset + part.length);
    i += size;
  }
}

/** A deterministic pseudo-random list of chunk sizes (1..max). */
function randomSizes(seed: number, count: number, max: number): number[] {
  let x = seed >>> 0 || 1;
  const sizes: number[] = [];
  for (let k = 0; k < count; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    sizes.push(1 + ((x >>> 0) % max));
  }
  return sizes;
}

function query(rejectLines: number[], wanted: number[], maxText?: number): ScanQuery {
  return { rejectLines: new Set(rejectLines), wanted: new Set(wanted), maxText };
}

function scan(text: string | Uint8Array, delim: string, q: ScanQuery, size = 1 << 20) {
  return scanRecords(chunked(text, size), delim, q);
}

/** Located / rejected records reduced to their start lines. */
function lines(m: Map<number, { line: number }>): Map<number, number> {
  return new Map([...m].map(([k, r]) => [k, r.line]));
}

function mapOf(r: ScanResult): { ordinals: number[]; lines: number[] } {
  return { ordinals: [...r.lineMap.ordinals], lines: [...r.lineMap.lines] };
}

// phys 1     header                     logical 1
// phys 2-3   a,"x\ny"                   logical 2, accepted #0
// phys 4     (blank)                    logical 3
// phys 5     b,c,d                      logical 4, rejected by the reader
// phys 6     e,f                        logical 5, accepted #1
// phys 7-8   "g""\n",h                  logical 6, accepted #2 (doubled quote, then newline)
// phys 9     i,j  (no final newline)    logical 7, accepted #3
const LINES = ['h1,h2', 'a,"x', 'y"', '', 'b,c,d', 'e,f', '"g""', '",h', 'i,j'];
const QUERY = query([4], [0, 1, 2, 3]);
const EXPECTED = {
  rejected: new Map([[4, 5]]),
  located: new Map([
    [0, 2],
    [1, 6],
    [2, 7],
    [3, 9],
  ]),
};

function located(r: ScanResult) {
  return { rejected: lines(r.rejected), located: lines(r.located) };
}

describe('scanRecords (ported from locateRecords)', () => {
  it('counts the fields of located records: delimiters outside quotes, plus one', async () => {
    const text = 'a,b\n1,2\n3,4,\n"5,x",6,,\n7\n';
    const r = await scanRecords(chunked(text, 3), ',', query([], [0, 1, 2, 3]));
    expect(new Map([...r.located].map(([o, rec]) => [o, rec.fields]))).toEqual(
      new Map([
        [0, 2],
        [1, 3],
        [2, 4],
        [3, 1],
      ]),
    );
    expect(r.located.get(2)?.text).toBe('"5,x",6,,');
  });

  it('LF, one chunk', async () => {
    const r = await scan(LINES.join('\n'), ',', QUERY);
    expect(located(r)).toEqual(EXPECTED);
    expect(r.accepted).toBe(4);
    expect(r.lastOrdinal).toBe(3);
    expect(r.unterminated).toBe(false);
    expect(r.rejected.get(4)).toEqual({ line: 5, fields: 3, text: 'b,c,d', truncated: false });
    expect(r.located.get(0)).toEqual({ line: 2, fields: 2, text: 'a,"x\ny"', truncated: false });
    expect(r.located.get(2)).toEqual({ line: 7, fields: 2, text: '"g""\n",h', truncated: false });
  });

  it.each([1, 2, 3, 7])('CRLF with a BOM, %i-byte chunks (CRLF split across chunks)', async (n) => {
    const text = '\uFEFF' + LINES.join('\r\n');
    const r = await scanRecords(chunked(text, n), ',', QUERY);
    expect(located(r)).toEqual(EXPECTED);
    expect(r.located.get(0)?.text).toBe('a,"x\r\ny"');
    expect(r.located.get(3)?.text).toBe('i,j');
  });

  it('a trailing newline does not add a record', async () => {
    const r = await scanRecords(chunked(LINES.join('\n') + '\n\n', 4), ',', query([4], [3, 4]));
    expect(located(r)).toEqual({
      rejected: new Map([[4, 5]]),
      located: new Map([[3, 9]]),
    });
    expect(r.accepted).toBe(4);
    expect(r.lastOrdinal).toBe(3);
  });

  it('a quote opens a quoted field only at the start of a field of this delimiter', async () => {
    const text = 'h;h\nx;"ab\ny;z"\nw;v\n';
    // With ';' the quote opens a field: record #0 spans lines 2-3, #1 is line 4.
    const semi = await scanRecords(chunked(text, 5), ';', query([], [0, 1]));
    expect(lines(semi.located)).toEqual(
      new Map([
        [0, 2],
        [1, 4],
      ]),
    );
    expect(semi.accepted).toBe(2);
    // With ',' it is inside the field "x;"ab": every line is its own record.
    const comma = await scanRecords(chunked(text, 5), ',', query([], [0, 1, 2]));
    expect(lines(comma.located)).toEqual(
      new Map([
        [0, 2],
        [1, 3],
        [2, 4],
      ]),
    );
    expect(comma.accepted).toBe(3);
  });

  it('tab and pipe delimiters', async () => {
    const tab = 'a\tb\n1\t"x\ty\nz"\n2\t3\n';
    const pipe = 'a|b\n1|"x|y\nz"\n2|3\n';
    const q = query([], [0, 1]);
    const want = new Map([
      [0, 2],
      [1, 4],
    ]);
    const t = await scanRecords(chunked(tab, 3), '\t', q);
    const p = await scanRecords(chunked(pipe, 3), '|', q);
    expect(lines(t.located)).toEqual(want);
    expect(lines(p.located)).toEqual(want);
    expect(t.located.get(0)?.fields).toBe(2);
    expect(p.located.get(0)?.fields).toBe(2);
  });

  it('an unterminated quote runs to the end of the file as one record', async () => {
    const text = 'h,h\na,b\nc,"d\ne,f\ng,h\n';
    const r = await scanRecords(chunked(text, 4), ',', query([3], [0]));
    expect(located(r)).toEqual({
      rejected: new Map([[3, 3]]),
      located: new Map([[0, 2]]),
    });
    expect(r.unterminated).toBe(true);
    expect(r.rejected.get(3)).toEqual({
      line: 3,
      fields: 2,
      text: 'c,"d\ne,f\ng,h\n',
      truncated: false,
    });
    expect(r.accepted).toBe(1);
    // A quote closed by the very last byte is not left open.
    const closed = await scanRecords(chunked('h\n"a\nb"', 1), ',', query([], [0]));
    expect(closed.unterminated).toBe(false);
    expect(closed.located.get(0)).toEqual({ line: 2, fields: 1, text: '"a\nb"', truncated: false });
  });

  it('multi-byte UTF-8 split across chunks does not shift lines', async () => {
    const text = 'h,h\n用户,"火锅🍲\n🌏"\n😀,x\n';
    const r = await scanRecords(chunked(text, 1), ',', query([], [0, 1]));
    expect(lines(r.located)).toEqual(
      new Map([
        [0, 2],
        [1, 4],
      ]),
    );
    expect(r.located.get(0)?.text).toBe('用户,"火锅🍲\n🌏"');
    expect(r.located.get(1)?.text).toBe('😀,x');
  });

  it('an empty query answers nothing but still counts; unknown records are left out', async () => {
    const empty = await scan('h\na\n', ',', query([], []));
    expect(located(empty)).toEqual({ rejected: new Map(), located: new Map() });
    expect(empty.accepted).toBe(1);
    const missing = await scan('h\na\n', ',', query([9], [0, 5]));
    expect(located(missing)).toEqual({ rejected: new Map(), located: new Map([[0, 2]]) });
    const nothing = await scan('', ',', query([2], [0]));
    expect(nothing).toMatchObject({ accepted: 0, lastOrdinal: -1, unterminated: false });
    expect(mapOf(nothing)).toEqual({ ordinals: [], lines: [] });
    const header = await scan('\uFEFFh1,h2\r\n', ',', query([1], [0]));
    expect(located(header)).toEqual({ rejected: new Map(), located: new Map() });
    expect(header.accepted).toBe(0);
  });

  it('blank reject lines and a reject line on the header are never located', async () => {
    // logical 2 is blank, logical 3 is "a"
    const r = await scan('h\n\na\nb\n', ',', query([1, 2], [0, 1]));
    expect(located(r)).toEqual({
      rejected: new Map(),
      located: new Map([
        [0, 3],
        [1, 4],
      ]),
    });
  });
});

describe('lineMap and lineOf', () => {
  it('stores a breakpoint only where the +1 progression breaks', async () => {
    const r = await scan(LINES.join('\n'), ',', QUERY);
    // #0 line 2 (first), #1 line 6 (after a multi-line record, a blank line and a reject),
    // #2 line 7 (follows on), #3 line 9 (after the two-line #2).
    expect(mapOf(r)).toEqual({ ordinals: [0, 1, 3], lines: [2, 6, 9] });
    expect([0, 1, 2, 3].map((o) => lineOf(r.lineMap, o))).toEqual([2, 6, 7, 9]);
  });

  it('a plain file needs one breakpoint', async () => {
    const text = 'h\n' + Array.from({ length: 1000 }, (_, k) => `r${k}`).join('\n') + '\n';
    const r = await scan(text, ',', query([], []), 7);
    expect(mapOf(r)).toEqual({ ordinals: [0], lines: [2] });
    expect(r.accepted).toBe(1000);
    expect(r.lastOrdinal).toBe(999);
    expect(lineOf(r.lineMap, 0)).toBe(2);
    expect(lineOf(r.lineMap, 999)).toBe(1001);
  });

  it('multi-line quoted records', async () => {
    // phys 2-4 #0, 5 #1, 6-7 #2, 8 #3
    const text = 'h,h\n"a\nb\nc",1\nd,2\ne,"f\ng"\nh,3\n';
    const r = await scan(text, ',', query([], []), 2);
    expect(mapOf(r)).toEqual({ ordinals: [0, 1, 3], lines: [2, 5, 8] });
    expect([0, 1, 2, 3].map((o) => lineOf(r.lineMap, o))).toEqual([2, 5, 6, 8]);
  });

  it('blank lines', async () => {
    // phys 2 #0, 3 blank, 4 #1, 5 #2, 6-7 blank, 8 #3
    const text = 'h\na\n\nb\nc\n\n\nd\n\n';
    const r = await scan(text, ',', query([], []), 3);
    expect(mapOf(r)).toEqual({ ordinals: [0, 1, 3], lines: [2, 4, 8] });
    expect([0, 1, 2, 3].map((o) => lineOf(r.lineMap, o))).toEqual([2, 4, 5, 8]);
    expect(r.accepted).toBe(4);
  });

  it('rejected lines in the middle are skipped, not counted', async () => {
    // logical 2 a #0, 3 b rejected, 4 c #1, 5 d #2, 6 e rejected, 7 f rejected, 8 g #3
    const text = 'h\na\nb\nc\nd\ne\nf\ng\n';
    const r = await scan(text, ',', query([3, 6, 7], []));
    expect(mapOf(r)).toEqual({ ordinals: [0, 1, 3], lines: [2, 4, 8] });
    expect([0, 1, 2, 3].map((o) => lineOf(r.lineMap, o))).toEqual([2, 4, 5, 8]);
    expect(r.accepted).toBe(4);
    expect(lines(r.rejected)).toEqual(
      new Map([
        [3, 3],
        [6, 6],
        [7, 7],
      ]),
    );
  });

  it.each([1, 2, 5])('CRLF and lone CR, %i-byte chunks', async (n) => {
    // phys 2 #0, 3-4 #1 (CRLF inside quotes), 5 blank, 6 #2 (lone CR breaks), 7 #3
    const text = 'h\r\na\r\n"b\r\nc"\r\n\r\nd\re\r\n';
    const r = await scanRecords(chunked(text, n), ',', query([], [0, 1, 2, 3]));
    expect(mapOf(r)).toEqual({ ordinals: [0, 2], lines: [2, 6] });
    expect([0, 1, 2, 3].map((o) => lineOf(r.lineMap, o))).toEqual([2, 3, 6, 7]);
    expect(lines(r.located)).toEqual(
      new Map([
        [0, 2],
        [1, 3],
        [2, 6],
        [3, 7],
      ]),
    );
    expect(r.located.get(1)?.text).toBe('"b\r\nc"');
    expect(r.located.get(2)?.text).toBe('d');
  });

  it('lineOf answers -1 without a breakpoint at or before the ordinal', () => {
    expect(lineOf({ ordinals: [], lines: [] }, 0)).toBe(-1);
    expect(lineOf({ ordinals: [0], lines: [2] }, -1)).toBe(-1);
    expect(lineOf({ ordinals: new Uint32Array([0, 5]), lines: new Uint32Array([2, 40]) }, 4)).toBe(
      6,
    );
    expect(lineOf({ ordinals: [0, 5], lines: [2, 40] }, 7)).toBe(42);
  });
});

describe('chunk boundaries', () => {
  // BOM, CRLF, lone CR, doubled quotes, a quote closing just before a break, blank lines, tabs,
  // multi-byte characters, an unterminated quote at the end.
  const NASTY =
    '\uFEFF"h1",h2\r\n' +
    'a,"x""y"\r\n' +
    '\r\n' +
    '"",""""\r\n' +
    'é,"火\r\n锅"\n' +
    '\n' +
    'q"r,s"\rt,u\r' +
    '"v""\n""",w\r\n' +
    '😀\t,"z"\r\n' +
    'last,"open\r\nrest\n';
  const Q = query([3, 6, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8]);

  it('gives the same answer for every way of cutting the bytes', async () => {
    const whole = await scan(NASTY, ',', Q);
    expect(whole.unterminated).toBe(true);
    expect(whole.accepted).toBeGreaterThan(4);
    const cuts = [
      [1],
      [2],
      [3],
      [4],
      [5],
      [7],
      [11],
      randomSizes(1, 200, 9),
      randomSizes(7, 200, 4),
    ];
    for (const sizes of cuts) {
      expect(await scanRecords(sized(NASTY, sizes), ',', Q)).toEqual(whole);
    }
    for (const size of [1, 3]) {
      expect(await scanRecords(chunked(NASTY, size), ',', Q)).toEqual(whole);
    }
  });

  it('splits a CRLF and a doubled quote across chunks', async () => {
    const text = 'h\r\n"a""b"\r\nc\r\n';
    // Cut after every byte position in turn.
    const bytes = encoder.encode(text);
    const whole = await scan(text, ',', query([], [0, 1]));
    expect(lines(whole.located)).toEqual(
      new Map([
        [0, 2],
        [1, 3],
      ]),
    );
    expect(whole.located.get(0)?.text).toBe('"a""b"');
    for (let cut = 1; cut < bytes.length; cut++) {
      const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
      async function* two() {
        yield* parts;
      }
      expect(await scanRecords(two(), ',', query([], [0, 1]))).toEqual(whole);
    }
  });

  it('empty chunks change nothing', async () => {
    const bytes = encoder.encode('\uFEFFh\r\n"a\r\n",b\r\nc');
    async function* withEmpties() {
      for (const b of bytes) {
        yield new Uint8Array(0);
        yield Uint8Array.of(b);
      }
      yield new Uint8Array(0);
    }
    expect(await scanRecords(withEmpties(), ',', query([], [0, 1]))).toEqual(
      await scan(bytes, ',', query([], [0, 1])),
    );
  });

  it('long records across many chunks of a large file', async () => {
    const row = (k: number) =>
      k % 97 === 0
        ? `${k},"multi\nline ""${k}""\r\n",é\n`
        : `${k},plain ${k},${'x'.repeat(k % 50)}\n`;
    const text = 'id,a,b\n' + Array.from({ length: 5000 }, (_, k) => row(k)).join('');
    const wanted = [0, 1, 96, 97, 98, 2500, 4999, 5000];
    const whole = await scan(text, ',', query([50, 51], wanted));
    expect(whole.accepted).toBe(4998);
    for (const size of [4096, 65_537, 1000]) {
      expect(await scanRecords(sized(text, [size]), ',', query([50, 51], wanted))).toEqual(whole);
    }
  });
});

describe('text', () => {
  it('is cut to maxText characters', async () => {
    const r = await scan('h\nabcdefghij\nabc\nabcde\n', ',', query([], [0, 1, 2], 5));
    expect(r.located.get(0)).toMatchObject({ text: 'abcde', truncated: true });
    expect(r.located.get(1)).toMatchObject({ text: 'abc', truncated: false });
    expect(r.located.get(2)).toMatchObject({ text: 'abcde', truncated: false });
  });

  it('defaults to 2000 characters', async () => {
    const long = 'y'.repeat(5000);
    const r = await scan(`h\n${long}\n`, ',', query([], [0]));
    expect(r.located.get(0)?.text).toBe('y'.repeat(2000));
    expect(r.located.get(0)?.truncated).toBe(true);
    expect(r.located.get(0)?.fields).toBe(1);
  });

  it('never splits a character, whatever its width', async () => {
    const text = 'h\n' + '火'.repeat(100) + '\n' + 'a😀😀' + '\n' + '😀'.repeat(50) + ',x\n';
    for (const size of [1, 2, 3, 1 << 20]) {
      const r = await scanRecords(chunked(text, size), ',', query([], [0, 1, 2], 4));
      expect(r.located.get(0)).toMatchObject({ text: '火火火火', truncated: true });
      // 'a😀😀' is five UTF-16 units: the second emoji does not fit whole.
      expect(r.located.get(1)).toMatchObject({ text: 'a😀', truncated: true });
      expect(r.located.get(2)).toMatchObject({ text: '😀😀', truncated: true, fields: 2 });
    }
  });

  it('maxText 0 keeps nothing; the fields are still counted to the end', async () => {
    const r = await scan('h\n"a,b",c,' + 'd,'.repeat(3000) + '\n', ',', query([2], [], 0));
    expect(r.rejected.get(2)).toEqual({ line: 2, fields: 3003, text: '', truncated: true });
  });

  it('invalid UTF-8 decodes with replacement characters', async () => {
    const bytes = Uint8Array.of(0x68, 0x0a, 0x61, 0xff, 0x62, 0xe7, 0x0a);
    const r = await scan(bytes, ',', query([], [0]));
    expect(r.located.get(0)).toEqual({
      line: 2,
      fields: 1,
      text: 'a\uFFFDb\uFFFD',
      truncated: false,
    });
  });
});

/** Soup of the bytes that matter, for CSV text where anything can sit anywhere. */
const soup = fc
  .array(
    fc.constantFrom(
      'a',
      'b',
      ' ',
      ',',
      '\t',
      '"',
      '""',
      '\n',
      '\r',
      '\r\n',
      '\n\n',
      'é',
      '火',
      '😀',
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

/** Well-formed-ish CSV: quoted and plain fields, mixed line breaks, blank lines. */
function csvText(delim: string) {
  const plain = fc
    .array(fc.constantFrom('a', 'z', ' ', '"', 'é', '😀'), { maxLength: 6 })
    .map((p) => p.join(''));
  const quoted = fc
    .array(fc.constantFrom('a', delim, '""', '\n', '\r', '\r\n', '火'), { maxLength: 6 })
    .map((p) => `"${p.join('')}"`);
  const field = fc.oneof(plain, quoted);
  const record = fc.array(field, { minLength: 1, maxLength: 4 }).map((f) => f.join(delim));
  const brk = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\n\r\n');
  return fc
    .tuple(
      fc.array(fc.tuple(record, brk), { maxLength: 12 }),
      fc.boolean(), // BOM
      fc.constantFrom('', '\n', '"open\nend', 'x,"a""'),
    )
    .map(([rows, bom, end]) => (bom ? '\uFEFF' : '') + rows.map(([r, b]) => r + b).join('') + end);
}

describe('agrees with locateRecords', () => {
  it('on generated CSV: lines, fields, rejects, unterminated, lineMap, chunking', async () => {
    const delim = fc.constantFrom(',', '\t', ';');
    const arb = fc.tuple(delim).chain(([d]) =>
      fc.record({
        delim: fc.constant(d),
        text: fc.oneof(csvText(d), soup),
        rejectPicks: fc.array(fc.nat(30), { maxLength: 5 }),
        sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ delim: d, text, rejectPicks, sizes }) => {
        const bytes = encoder.encode(text);
        const everyOrdinal = Array.from({ length: bytes.length + 2 }, (_, k) => k);
        const rejectLines = rejectPicks.map((p) => p + 1);
        const old = await locateRecords(chunked(bytes, bytes.length + 1), d, {
          rejectLines,
          acceptedOrdinals: everyOrdinal,
          endState: true,
        });
        const q = query(rejectLines, everyOrdinal, 10_000);
        const r = await scan(bytes, d, q);

        expect(lines(r.located)).toEqual(old.acceptedOrdinals);
        expect(new Map([...r.located].map(([o, rec]) => [o, rec.fields]))).toEqual(old.fieldCounts);
        expect(lines(r.rejected)).toEqual(old.rejectLines);
        expect(r.unterminated).toBe(old.unterminated);
        expect(r.accepted).toBe(old.acceptedOrdinals.size);
        expect(r.lastOrdinal).toBe(r.accepted - 1);

        // lineOf agrees with located for every ordinal, from a minimal set of breakpoints.
        for (const [o, rec] of r.located) expect(lineOf(r.lineMap, o)).toBe(rec.line);
        const { ordinals, lines: bpLines } = r.lineMap;
        if (r.accepted > 0) expect(ordinals[0]).toBe(0);
        for (let k = 1; k < ordinals.length; k++) {
          const o = ordinals[k] as number;
          expect(o).toBeGreaterThan(ordinals[k - 1] as number);
          expect(bpLines[k]).not.toBe((r.located.get(o - 1)?.line ?? -1) + 1);
        }

        // The same cut into odd chunks, and with fewer or no details wanted.
        expect(await scanRecords(sized(bytes, sizes), d, q)).toEqual(r);
        for (const some of [[], everyOrdinal.filter((o) => (o * 7 + sizes.length) % 3 === 0)]) {
          const part = await scanRecords(sized(bytes, sizes), d, query(rejectLines, some, 10_000));
          expect(part.accepted).toBe(r.accepted);
          expect(part.unterminated).toBe(r.unterminated);
          expect(part.rejected).toEqual(r.rejected);
          expect(mapOf(part)).toEqual(mapOf(r));
          expect(part.located).toEqual(new Map([...r.located].filter(([o]) => some.includes(o))));
        }

        // Each record's text is exactly one record: scanned on its own it has the same fields.
        for (const rec of [...r.located.values(), ...r.rejected.values()]) {
          const again = await scan('h\n' + rec.text, d, query([], [0, 1], 10_000));
          expect(again.accepted).toBe(1);
          expect(again.located.get(0)).toEqual({ ...rec, line: 2 });
        }
      }),
      { numRuns: 400 },
    );
  });
});
