/**
 * locateRecords: the physical line (1-based, header = 1) on which a record starts, for DuckDB
 * logical lines of rejected records (a blank line counts as a logical line, a multi-line record
 * as one) and for ordinals among accepted records. Expected lines counted by hand.
 */
import { describe, expect, it } from 'vitest';
import { locateRecords } from '../../src/ingest/line-index.ts';
import type { LineAnswer } from '../../src/ingest/line-index.ts';

async function* chunked(text: string | Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

// phys 1     header                     logical 1
// phys 2-3   a,"x\ny"                   logical 2, accepted #0
// phys 4     (blank)                    logical 3
// phys 5     b,c,d                      logical 4, rejected by the reader
// phys 6     e,f                        logical 5, accepted #1
// phys 7-8   "g""\n",h                  logical 6, accepted #2 (doubled quote, then newline)
// phys 9     i,j  (no final newline)    logical 7, accepted #3
const LINES = ['h1,h2', 'a,"x', 'y"', '', 'b,c,d', 'e,f', '"g""', '",h', 'i,j'];
const QUERY = { rejectLines: [4], acceptedOrdinals: [0, 1, 2, 3] };
const EXPECTED = {
  rejectLines: new Map([[4, 5]]),
  acceptedOrdinals: new Map([
    [0, 2],
    [1, 6],
    [2, 7],
    [3, 9],
  ]),
};

/** The two line maps, without the field counts (tested on their own below). */
function located(a: LineAnswer) {
  return { rejectLines: a.rejectLines, acceptedOrdinals: a.acceptedOrdinals };
}

describe('locateRecords', () => {
  it('counts the fields of queried records: delimiters outside quotes, plus one', async () => {
    const text = 'a,b\n1,2\n3,4,\n"5,x",6,,\n7\n';
    const answer = await locateRecords(chunked(text, 3), ',', {
      rejectLines: [],
      acceptedOrdinals: [0, 1, 2, 3],
    });
    expect(answer.fieldCounts).toEqual(
      new Map([
        [0, 2],
        [1, 3],
        [2, 4],
        [3, 1],
      ]),
    );
  });

  it('LF, one chunk', async () => {
    const answer = await locateRecords(chunked(LINES.join('\n'), 1 << 20), ',', QUERY);
    expect(located(answer)).toEqual(EXPECTED);
  });

  it.each([1, 2, 3, 7])('CRLF with a BOM, %i-byte chunks (CRLF split across chunks)', async (n) => {
    const text = '\uFEFF' + LINES.join('\r\n');
    expect(located(await locateRecords(chunked(text, n), ',', QUERY))).toEqual(EXPECTED);
  });

  it('a trailing newline does not add a record', async () => {
    const answer = await locateRecords(chunked(LINES.join('\n') + '\n\n', 4), ',', {
      rejectLines: [4],
      acceptedOrdinals: [3, 4],
    });
    expect(located(answer)).toEqual({
      rejectLines: new Map([[4, 5]]),
      acceptedOrdinals: new Map([[3, 9]]),
    });
  });

  it('a quote opens a quoted field only at the start of a field of this delimiter', async () => {
    const text = 'h;h\nx;"ab\ny;z"\nw;v\n';
    // With ';' the quote opens a field: record #0 spans lines 2-3, #1 is line 4.
    expect(
      (await locateRecords(chunked(text, 5), ';', { rejectLines: [], acceptedOrdinals: [0, 1] }))
        .acceptedOrdinals,
    ).toEqual(
      new Map([
        [0, 2],
        [1, 4],
      ]),
    );
    // With ',' it is inside the field "x;"ab": every line is its own record.
    expect(
      (await locateRecords(chunked(text, 5), ',', { rejectLines: [], acceptedOrdinals: [0, 1, 2] }))
        .acceptedOrdinals,
    ).toEqual(
      new Map([
        [0, 2],
        [1, 3],
        [2, 4],
      ]),
    );
  });

  it('tab and pipe delimiters', async () => {
    const tab = 'a\tb\n1\t"x\ty\nz"\n2\t3\n';
    const pipe = 'a|b\n1|"x|y\nz"\n2|3\n';
    const q = { rejectLines: [], acceptedOrdinals: [0, 1] };
    const want = new Map([
      [0, 2],
      [1, 4],
    ]);
    expect((await locateRecords(chunked(tab, 3), '\t', q)).acceptedOrdinals).toEqual(want);
    expect((await locateRecords(chunked(pipe, 3), '|', q)).acceptedOrdinals).toEqual(want);
  });

  it('an unterminated quote runs to the end of the file as one record', async () => {
    const text = 'h,h\na,b\nc,"d\ne,f\ng,h\n';
    const answer = await locateRecords(chunked(text, 4), ',', {
      rejectLines: [3],
      acceptedOrdinals: [0],
    });
    expect(located(answer)).toEqual({
      rejectLines: new Map([[3, 3]]),
      acceptedOrdinals: new Map([[0, 2]]),
    });
  });

  it('multi-byte UTF-8 split across chunks does not shift lines', async () => {
    const text = 'h,h\n用户,"火锅🍲\n🌏"\n😀,x\n';
    const answer = await locateRecords(chunked(text, 1), ',', {
      rejectLines: [],
      acceptedOrdinals: [0, 1],
    });
    expect(answer.acceptedOrdinals).toEqual(
      new Map([
        [0, 2],
        [1, 4],
      ]),
    );
  });

  it('an empty query answers nothing; unknown records are left out', async () => {
    const empty = await locateRecords(chunked('h\na\n', 8), ',', {
      rejectLines: [],
      acceptedOrdinals: [],
    });
    expect(located(empty)).toEqual({ rejectLines: new Map(), acceptedOrdinals: new Map() });
    const missing = await locateRecords(chunked('h\na\n', 8), ',', {
      rejectLines: [9],
      acceptedOrdinals: [0, 5],
    });
    expect(located(missing)).toEqual({
      rejectLines: new Map(),
      acceptedOrdinals: new Map([[0, 2]]),
    });
  });
});
