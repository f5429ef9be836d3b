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

const QUOTE = 0x22;
const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DEFAULT_MAX_TEXT = 2000;

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

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Sorted distinct integers of `values` that are at least `min`. */
function sortedFrom(values: ReadonlySet<number>, min: number): number[] {
  return [...values].filter((v) => Number.isInteger(v) && v >= min).sort((a, b) => a - b);
}

const decoder = new TextDecoder('utf-8');
/** Int32Array reads words in platform order; the event scan wants the first byte lowest. */
const BIG_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 0;

/** The first `nw` words of `bytes` read little-endian (for big-endian platforms). */
function littleEndianWords(bytes: Uint8Array, nw: number): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const words = new Int32Array(nw);
  for (let k = 0; k < nw; k++) words[k] = view.getInt32(k << 2, true);
  return words;
}

/**
 * The byte-level state machine. `push` copies the state into locals, runs the chunk and writes the
 * state back, so the hot loop works on registers.
 */
class RecordScanner {
  private readonly delim: number;
  private readonly spaceQuote: boolean;
  private readonly maxText: number;
  private readonly keepBytes: number;
  private readonly rejects: number[];
  private readonly wanted: number[];
  private rejectAt = 0; // index into rejects of the next reject line to come
  private wantedAt = 0; // index into wanted of the next wanted ordinal to come
  private nextReject = -1; // rejects[rejectAt], or -1 when none is left
  private nextWanted = -1; // wanted[wantedAt], or -1 when none is left

  private physLine = 1; // physical line the scanner is on
  private unit = 1; // DuckDB logical line of the current record (header = 1)
  private unitStart = 1; // physical line where the current record started
  private nonBlank = false; // the current record has a byte (not blank)
  private fieldStart = true; // the next byte outside quotes starts a field
  private afterSpace = false; // the field so far is one space (DuckDB opens a quote after it)
  private fields = 1; // fields of the current record so far (interesting records only)
  private accepted = 0; // accepted records so far
  private inQuote = false;
  private quotePending = false; // a chunk ended on a quote inside quotes; the next byte decides
  private prevCR = false; // a chunk ended on a CR; an LF opening the next is its second half
  private interesting = false; // the current record is a reject or wanted: walk it, keep its text
  private expectLine = -1; // line of the next accepted record if the +1 progression holds
  private bad = false; // the current record has text after a closing quote
  private readonly malformed: number[] = [];
  private last = -1; // the stream's last byte, and the one before it
  private beforeLast = -1;
  private quoteLine = 0; // physical line on which the last quoted field opened

  private scratch = new Uint8Array(0);
  private textParts: Uint8Array[] = [];
  private textKept = 0;
  private textTotal = 0;

  private readonly bpOrdinals: number[] = [];
  private readonly bpLines: number[] = [];
  private readonly located = new Map<number, LocatedRecord>();
  private readonly rejected = new Map<number, LocatedRecord>();

  constructor(delimiter: string, query: ScanQuery) {
    this.delim = delimiter.charCodeAt(0);
    this.spaceQuote = query.spaceQuote === true;
    const maxText = query.maxText ?? DEFAULT_MAX_TEXT;
    this.maxText = maxText >= 0 ? Math.floor(maxText) : 0; // NaN and negatives keep nothing
    // Enough bytes for maxText + 1 characters whatever their width, plus a cut-off sequence.
    this.keepBytes = 4 * this.maxText + 8;
    this.rejects = sortedFrom(query.rejectLines, 2); // the header is never a record
    this.wanted = sortedFrom(query.wanted, 0);
    this.nextReject = this.rejects[0] ?? -1;
    this.nextWanted = this.wanted[0] ?? -1;
  }

  /** Keep (a copy of) the first bytes of an interesting record's text. */
  private keep(bytes: Uint8Array): void {
    this.textTotal += bytes.length;
    const room = this.keepBytes - this.textKept;
    if (room <= 0 || bytes.length === 0) return;
    const part = bytes.slice(0, Math.min(room, bytes.length));
    this.textParts.push(part);
    this.textKept += part.length;
  }

  private takeText(): { text: string; truncated: boolean } {
    // When the bytes were cut, the (maybe cut-off) last character lies past maxText anyway.
    let text = decoder.decode(concat(this.textParts, this.textKept));
    this.textParts = [];
    let truncated = this.textTotal > this.textKept;
    if (text.length > this.maxText) {
      truncated = true;
      let end = this.maxText;
      const last = text.charCodeAt(end - 1);
      if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--; // keep surrogate pairs whole
      text = text.slice(0, end);
    }
    return { text, truncated };
  }

  /** The current (interesting) record ends: record its details, move the query pointers on. */
  private finishInteresting(): void {
    const unit = this.unit;
    const isReject = unit === this.nextReject;
    if (isReject) this.nextReject = this.rejects[++this.rejectAt] ?? -1;
    if (!this.nonBlank) return;
    // (A reject's text after a closing quote needs no mark: it is rejected already.)
    const { text, truncated } = this.takeText();
    const record: LocatedRecord = { line: this.unitStart, fields: this.fields, text, truncated };
    if (isReject) {
      this.rejected.set(unit, record);
      return;
    }
    const ordinal = this.accepted;
    if (this.bad) this.malformed.push(ordinal);
    if (ordinal === this.nextWanted) {
      this.located.set(ordinal, record);
      this.nextWanted = this.wanted[++this.wantedAt] ?? -1;
    }
    if (this.unitStart !== this.expectLine) {
      this.bpOrdinals.push(ordinal);
      this.bpLines.push(this.unitStart);
    }
    this.expectLine = this.unitStart + 1;
    this.accepted = ordinal + 1;
  }

  /** An interesting record starts: forget the last one's text. */
  private startText(): void {
    this.textParts = [];
    this.textKept = 0;
    this.textTotal = 0;
  }

  /** A copy of `chunk` at a 4-byte aligned offset (for the word view). */
  private aligned(chunk: Uint8Array): Uint8Array {
    if (this.scratch.length < chunk.length) this.scratch = new Uint8Array(chunk.length * 2);
    const copy = this.scratch.subarray(0, chunk.length);
    copy.set(chunk);
    return copy;
  }

  push(input: Uint8Array): void {
    const n = input.length;
    if (n === 0) return;
    this.beforeLast = n > 1 ? (input[n - 2] as number) : this.last;
    this.last = input[n - 1] as number;
    const chunk = (input.byteOffset & 3) === 0 ? input : this.aligned(input);
    // The chunk as little-endian 32-bit words; the event bits of the last partial word.
    const nw = n >>> 2;
    const words = BIG_ENDIAN
      ? littleEndianWords(chunk, nw)
      : new Int32Array(chunk.buffer, chunk.byteOffset, nw);
    let tailEvents = 0; // the same for the last partial word
    for (let t = nw << 2, shift = 7; t < n; t++, shift += 8) {
      const b = chunk[t];
      if (b === LF || b === CR || b === QUOTE) tailEvents |= 1 << shift;
    }

    const delim = this.delim;
    const spaceQuote = this.spaceQuote;
    let i = 0; // next byte to look at
    let recStart = 0; // where the current record's bytes start in this chunk
    let physLine = this.physLine;
    let unitStart = this.unitStart;
    let nonBlank = this.nonBlank;
    let fieldStart = this.fieldStart;
    let afterSpace = this.afterSpace;
    let accepted = this.accepted;
    let inQuote = this.inQuote;
    let interesting = this.interesting;
    let expectLine = this.expectLine;
    let unit = this.unit;
    let fields = this.fields;
    let nextReject = this.nextReject;
    let nextWanted = this.nextWanted;
    let bad = this.bad;
    // Events (LF, CR and quote bytes) come from a word at a time: `m` has the high bit of each
    // byte of word k - 1 (at offset `base`) that may be one and has not been handed out yet.
    let k = 0;
    let m = 0;
    let base = 0;

    if (this.prevCR) {
      this.prevCR = false;
      if (chunk[0] === LF) {
        i = 1; // second half of a CRLF: the break was already counted
        if (!inQuote) recStart = 1;
      }
    }
    if (this.quotePending) {
      this.quotePending = false;
      const next = chunk[i] as number;
      if (next !== QUOTE) {
        inQuote = false; // the quote closed the field: a delimiter or a line break must follow
        if (next !== delim && next !== LF && next !== CR) bad = true;
      } else i++; // doubled quote inside a quoted field
    }

    while (i < n) {
      let e: number; // a line break outside quotes at e ends the logical line
      if (interesting && !inQuote) {
        // A record whose details are wanted: walk it byte by byte to count its fields.
        for (;;) {
          const b = chunk[i] as number;
          if (b === LF || b === CR) break;
          nonBlank = true;
          if (b === QUOTE && (fieldStart || (spaceQuote && afterSpace))) {
            inQuote = true;
            this.quoteLine = physLine;
          }
          afterSpace = b === SPACE && fieldStart;
          fieldStart = b === delim;
          if (fieldStart) fields++;
          i++;
          if (inQuote || i === n) break;
        }
        if (inQuote || i === n) continue;
        e = i;
      } else {
        // The next LF, CR or quote at or after i.
        if (k <= i >>> 2) {
          k = i >>> 2;
          m = 0;
        }
        let pos = n;
        for (;;) {
          if (m === 0) {
            // Skip the words without one.
            while (k < nw) {
              const v = words[k] as number;
              const lf = v ^ 0x0a0a0a0a;
              const cr = v ^ 0x0d0d0d0d;
              const qu = v ^ 0x22222222;
              // High bit set for every zero byte of lf, cr or qu (at worst a false one above).
              m =
                (((lf - 0x01010101) & ~lf) |
                  ((cr - 0x01010101) & ~cr) |
                  ((qu - 0x01010101) & ~qu)) &
                0x80808080;
              if (m !== 0) break;
              k++;
            }
            if (m !== 0) base = k++ << 2;
            else if (k === nw && tailEvents !== 0) {
              m = tailEvents;
              base = k++ << 2;
            } else break;
          }
          const low = m & -m;
          m ^= low;
          const at = base + ((31 - Math.clz32(low)) >> 3);
          if (at < i) continue;
          const b = chunk[at];
          if (b === LF || b === CR || b === QUOTE) {
            pos = at;
            break;
          }
        }
        if (pos === n) {
          // The chunk ends inside this logical line.
          if (!inQuote && i < n) {
            nonBlank = true;
            afterSpace =
              chunk[n - 1] === SPACE && (n - 1 === i ? fieldStart : chunk[n - 2] === delim);
            fieldStart = chunk[n - 1] === delim;
          }
          break;
        }
        const b = chunk[pos] as number;
        if (inQuote) {
          if (b === QUOTE) {
            if (pos + 1 === n) {
              this.quotePending = true;
              i = n;
            } else {
              const next = chunk[pos + 1] as number;
              if (next === QUOTE)
                i = pos + 2; // doubled quote
              else {
                inQuote = false; // the quote closed the field: a delimiter or a break follows
                if (next !== delim && next !== LF && next !== CR) bad = true;
                i = pos + 1;
              }
            }
          } else {
            physLine++; // a line break inside a quoted field
            if (b === LF) i = pos + 1;
            else if (pos + 1 === n) {
              this.prevCR = true;
              i = n;
            } else i = chunk[pos + 1] === LF ? pos + 2 : pos + 1;
          }
          continue;
        }
        if (b === QUOTE) {
          // [i, pos) holds no quote or break, so the byte before the quote is in this record.
          nonBlank = true;
          // A quote opens a quoted field at the start of a field, or (spaceQuote) after one
          // space there, as DuckDB's reader has it: `a, "b,c"` holds "b,c".
          const opens =
            pos === i
              ? fieldStart || (spaceQuote && afterSpace)
              : chunk[pos - 1] === delim ||
                (spaceQuote &&
                  chunk[pos - 1] === SPACE &&
                  (pos - 1 === i ? fieldStart : chunk[pos - 2] === delim));
          if (opens) {
            inQuote = true;
            this.quoteLine = physLine;
          }
          afterSpace = false;
          fieldStart = QUOTE === delim;
          i = pos + 1;
          continue;
        }
        if (pos > i) nonBlank = true;
        e = pos;
      }

      // The line break at e ends the logical line.
      if (interesting) {
        this.keep(chunk.subarray(recStart, e));
        this.unitStart = unitStart;
        this.nonBlank = nonBlank;
        this.accepted = accepted;
        this.expectLine = expectLine;
        this.unit = unit;
        this.fields = fields;
        this.bad = bad;
        this.finishInteresting();
        accepted = this.accepted;
        expectLine = this.expectLine;
        nextReject = this.nextReject;
        nextWanted = this.nextWanted;
      } else if (nonBlank && unit > 1) {
        if (unitStart !== expectLine) {
          this.bpOrdinals.push(accepted);
          this.bpLines.push(unitStart);
        }
        if (bad) this.malformed.push(accepted);
        expectLine = unitStart + 1;
        accepted++;
      }
      bad = false;
      unit++;
      unitStart = ++physLine;
      if (chunk[e] === LF) i = e + 1;
      else if (e + 1 === n) {
        this.prevCR = true;
        i = n;
      } else i = chunk[e + 1] === LF ? e + 2 : e + 1;
      recStart = i;
      nonBlank = false;
      fieldStart = true;
      afterSpace = false;
      fields = 1;
      interesting = unit === nextReject || accepted === nextWanted;
      if (interesting) this.startText();
    }

    if (interesting) this.keep(chunk.subarray(recStart, n));
    this.physLine = physLine;
    this.unitStart = unitStart;
    this.nonBlank = nonBlank;
    this.fieldStart = fieldStart;
    this.afterSpace = afterSpace;
    this.accepted = accepted;
    this.inQuote = inQuote;
    this.interesting = interesting;
    this.expectLine = expectLine;
    this.unit = unit;
    this.fields = fields;
    this.bad = bad;
  }

  finish(): ScanResult {
    // A quote pending at the end closed its field; one still open never closes.
    const unterminated = this.inQuote && !this.quotePending;
    if (this.quotePending) this.inQuote = false;
    this.quotePending = false;
    if (this.nonBlank || unterminated) {
      this.nonBlank = true;
      if (this.interesting) this.finishInteresting();
      else if (this.unit > 1) {
        if (this.unitStart !== this.expectLine) {
          this.bpOrdinals.push(this.accepted);
          this.bpLines.push(this.unitStart);
        }
        if (this.bad) this.malformed.push(this.accepted);
        this.accepted++;
      }
    }
    const end =
      this.last === LF
        ? this.beforeLast === CR
          ? 'crlf'
          : 'lf'
        : this.last === CR
          ? 'cr'
          : 'none';
    return {
      accepted: this.accepted,
      located: this.located,
      rejected: this.rejected,
      unterminated,
      end,
      openBreaks: unterminated ? this.physLine - this.quoteLine : 0,
      openUnit: unterminated ? this.unit : -1,
      openLine: unterminated ? this.unitStart : -1,
      malformed: this.malformed,
      lastOrdinal: this.accepted - 1,
      lineMap: {
        ordinals: Uint32Array.from(this.bpOrdinals),
        lines: Uint32Array.from(this.bpLines),
      },
    };
  }
}
