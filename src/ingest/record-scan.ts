/**
 * A fast, whole-file pass over a CSV export that maps DuckDB's CSV reader's record numbering to
 * physical lines. Same rules as the first scanner (test/ingest/reference-line-index.ts): DuckDB numbers records by
 * logical line (header = 1; every line break outside quotes starts a new logical line, blank lines
 * included; a record spanning several physical lines counts once), and blank lines are not
 * records. A quote opens a quoted field only at the start of a field; inside one, a doubled quote
 * is a literal quote. CR, LF and CRLF all break lines; a UTF-8 BOM at the start of the file is
 * skipped.
 *
 * Unlike `locateRecords` this one always reads to the end (it reports whether the file ends inside
 * an open quote and builds a compact ordinal -> line map for every accepted record), and it is
 * built for speed: outside the few records whose details are wanted it never tests bytes one by
 * one, but reads the chunk four bytes at a time (an Int32Array view) and picks out the LF, CR and
 * quote bytes with bit tricks, jumping from one to the next. In node 20 that ran at about 1.6x
 * the speed of hopping with `Uint8Array.prototype.indexOf` (a plain C++ loop in V8, which costs a
 * call per line plus a full pass per byte value searched for) and 5x to 6x that of the old
 * byte-by-byte machine: ~1.1 GB/s against ~650 MB/s and ~200 MB/s on 4 MiB chunks.
 */

import { RecordScanner, concat } from './record-scanner.ts';

export interface ScanQuery {
  /**
   * DuckDB logical line numbers (header = 1; every line break outside quotes starts a new logical
   * line, blank lines included; a record spanning several physical lines counts once) of records
   * DuckDB's reader rejected. These records are NOT counted as accepted ordinals.
   */
  rejectLines: ReadonlySet<number>;
  /**
   * 0-based ordinals among the records DuckDB accepted (non-blank records after the header that
   * are not in rejectLines) whose details we want.
   */
  wanted: ReadonlySet<number>;
  /** Most characters of raw record text to keep per located record (default 2000). */
  maxText?: number;
  /**
   * Also open a quoted field after one space at the start of a field (`a, "b,c"` holds "b,c"),
   * as DuckDB's lenient reader does; by default a quote opens one only at the very start.
   */
  spaceQuote?: boolean;
}

export interface LocatedRecord {
  /** 1-based physical line on which the record starts. */
  line: number;
  /** Delimiters outside quotes, plus one. */
  fields: number;
  /** The record's bytes (without its line break) decoded as UTF-8, at most maxText UTF-16 units. */
  text: string;
  /** `text` was cut short. */
  truncated: boolean;
}

export interface ScanResult {
  /** Accepted records seen (non-blank, not header, not in rejectLines). */
  accepted: number;
  /** Located wanted ordinals. */
  located: Map<number, LocatedRecord>;
  /** Located reject lines (logical line -> record). */
  rejected: Map<number, LocatedRecord>;
  /** The file ends inside a quoted field that never closes (the last record swallowed the rest). */
  unterminated: boolean;
  /** How the file's last line ends: a line feed, CR LF, a lone CR, or no line break at all. */
  end: 'lf' | 'crlf' | 'cr' | 'none';
  /**
   * When `unterminated`: the line breaks inside the quote that never closes (1 with `end` 'lf':
   * only the file's final line feed, so the quote swallowed no line).
   */
  openBreaks: number;
  /**
   * When `unterminated`: the record whose quote never closes, as its DuckDB logical line and its
   * physical start line (-1 otherwise).
   */
  openUnit: number;
  openLine: number;
  /**
   * Ordinals of accepted records with text after the closing quote of a quoted field (`"ab"c`):
   * DuckDB's lenient reader drops that text without a word, so these records must be rejected.
   */
  malformed: number[];
  /** Ordinal of the last accepted record, or -1. */
  lastOrdinal: number;
  /**
   * A compact map from accepted ordinal to physical start line: sorted breakpoints; for ordinal o,
   * find the last breakpoint with ordinal <= o, and line = bp.line + (o - bp.ordinal). Only stores
   * a breakpoint where the simple +1 progression breaks (multi-line records, blank lines, rejected
   * records, the first record).
   */
  lineMap: { ordinals: Uint32Array | number[]; lines: Uint32Array | number[] };
}

/**
 * Scan byte chunks of a CSV file (delimiter given) to the end, counting accepted records and
 * locating the rejected and wanted ones.
 */
export async function scanRecords(
  chunks: AsyncIterable<Uint8Array>,
  delimiter: string,
  query: ScanQuery,
): Promise<ScanResult> {
  const scanner = new RecordScanner(delimiter, query);
  // The BOM check needs the first three bytes, which may arrive in several chunks.
  let head: Uint8Array | null = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (head === null) {
      scanner.push(chunk);
      continue;
    }
    head = head.length === 0 ? chunk : concat([head, chunk], head.length + chunk.length);
    if (head.length >= 3) {
      scanner.push(withoutBom(head));
      head = null;
    }
  }
  if (head !== null) scanner.push(head); // under three bytes: cannot hold a BOM
  return scanner.finish();
}

/** The physical start line of an accepted ordinal, from a scan's `lineMap` (-1 if it has none). */
export function lineOf(map: ScanResult['lineMap'], ordinal: number): number {
  const { ordinals, lines } = map;
  if (ordinals.length === 0 || !(ordinal >= (ordinals[0] as number))) return -1;
  // The last breakpoint with ordinals[k] <= ordinal.
  let lo = 0;
  let hi = ordinals.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((ordinals[mid] as number) <= ordinal) lo = mid;
    else hi = mid - 1;
  }
  return (lines[lo] as number) + (ordinal - (ordinals[lo] as number));
}

function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}
