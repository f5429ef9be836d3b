/**
 * The byte-level state machine behind `scanRecords` (record-scan.ts, which documents the rules
 * and the speed): it reads a chunk four bytes at a time and picks out the LF, CR and quote bytes
 * with bit tricks, testing bytes one by one only inside the records whose details are wanted.
 */
import type { LocatedRecord, ScanQuery, ScanResult } from './record-scan.ts';

const QUOTE = 0x22;
const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DEFAULT_MAX_TEXT = 2000;

/** The parts joined into one array of `length` bytes. */
export function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
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
export class RecordScanner {
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
