/**
 * The first, byte-by-byte scanner, kept as the reference the fast one (src/ingest/record-scan.ts)
 * is held to by property tests. Not used by the app.
 *
 * Physical line numbers for records. DuckDB's CSV reader numbers rejects by logical line
 * (header = 1, a blank line counts, a record spanning several physical lines counts once) and
 * says nothing about the position of accepted rows. This scanner walks the raw bytes once,
 * quote-aware, and answers both questions with the 1-based physical line on which a record
 * starts. It runs only for files with rejects and stops as soon as every answer is found.
 */

export interface LineQuery {
  /** DuckDB logical line numbers of records the CSV reader rejected. */
  rejectLines: readonly number[];
  /** 0-based ordinals, among the records the CSV reader accepted, of rows we rejected. */
  acceptedOrdinals: readonly number[];
  /** Scan to the end and report whether the file ends inside an open quote. */
  endState?: boolean;
}

export interface LineAnswer {
  rejectLines: Map<number, number>;
  acceptedOrdinals: Map<number, number>;
  /** Fields in each queried accepted record (delimiters outside quotes + 1). */
  fieldCounts: Map<number, number>;
  /** With `endState`: the last record opened a quote that never closes. */
  unterminated: boolean;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Scan byte chunks of a CSV file (delimiter given) and locate the queried records. */
export async function locateRecords(
  chunks: AsyncIterable<Uint8Array>,
  delimiter: string,
  query: LineQuery,
): Promise<LineAnswer> {
  const answer: LineAnswer = {
    rejectLines: new Map(),
    acceptedOrdinals: new Map(),
    fieldCounts: new Map(),
    unterminated: false,
  };
  const toTheEnd = query.endState === true;
  const rejectSet = new Set(query.rejectLines);
  const wanted = new Set(query.acceptedOrdinals);
  let remaining = rejectSet.size + wanted.size;
  if (remaining === 0 && !toTheEnd) return answer;

  const delim = delimiter.charCodeAt(0);
  let physLine = 1; // physical line the scanner is on
  let unit = 1; // DuckDB logical line of the current record (header = 1)
  let unitStart = 1; // physical line where the current record started
  let unitBytes = 0; // bytes of the current record so far (0 = blank so far)
  let fields = 1; // fields of the current record so far
  let accepted = 0; // records accepted by the reader so far
  let inQuote = false;
  let quotePending = false; // saw a quote inside quotes; the next byte decides
  let fieldStart = true;
  let prevCR = false;
  let first = true;

  const finishUnit = () => {
    if (unit > 1 && unitBytes > 0) {
      if (rejectSet.has(unit)) {
        answer.rejectLines.set(unit, unitStart);
        remaining--;
      } else {
        if (wanted.has(accepted)) {
          answer.acceptedOrdinals.set(accepted, unitStart);
          answer.fieldCounts.set(accepted, fields);
          remaining--;
        }
        accepted++;
      }
    }
    unit++;
    unitBytes = 0;
    fields = 1;
    fieldStart = true;
  };

  for await (const chunk of chunks) {
    let i = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (prevCR) {
        prevCR = false;
        if (b === LF) continue; // second half of CRLF: the break was already counted
      }
      if (quotePending) {
        quotePending = false;
        if (b === QUOTE) {
          unitBytes++;
          continue; // doubled quote inside a quoted field
        }
        inQuote = false;
      }
      if (inQuote) {
        unitBytes++;
        if (b === QUOTE) quotePending = true;
        else if (b === LF || b === CR) {
          physLine++;
          prevCR = b === CR;
        }
        continue;
      }
      if (b === LF || b === CR) {
        finishUnit();
        physLine++;
        unitStart = physLine;
        prevCR = b === CR;
        if (remaining === 0 && !toTheEnd) return answer;
        continue;
      }
      unitBytes++;
      if (b === QUOTE && fieldStart) inQuote = true;
      fieldStart = b === delim;
      if (fieldStart) fields++;
    }
  }
  // A quote still open at the end (a pending quote just closed the field).
  answer.unterminated = inQuote && !quotePending;
  if (unitBytes > 0 || inQuote) {
    unitBytes = Math.max(unitBytes, 1);
    finishUnit();
  }
  return answer;
}
