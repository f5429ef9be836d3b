/**
 * Locate: one pass over the file's bytes (record-scan.ts) gives every rejected record its
 * physical line, its raw text and a reason, tells whether the last record's quote never closes,
 * and yields the file's line map (ordinal → physical line), kept so that any row's line can be
 * found later without the file.
 */
import Papa from 'papaparse';
import type { InputFile } from './input-file.ts';
import { lineOf, scanRecords } from './record-scan.ts';
import type { ScanQuery, ScanResult } from './record-scan.ts';
import { describeShapeError, wrongFieldCount } from './reasons.ts';
import { TIME_ROLE } from './roles.ts';
import type { ColumnMapping } from './roles.ts';
import type { RejectedRow } from './report.ts';
import type { ShapeReject } from './stage.ts';

export const UNTERMINATED = 'a quoted field is never closed: the quote runs to the end of the file';
export const UNTERMINATED_AT_END = 'a quoted field is never closed: the file ends inside it';
export const TEXT_AFTER_QUOTE =
  'text after the closing quote of a quoted field (a quote inside a quoted field must be doubled: "")';

export interface Located {
  /** Every rejected record in line order (listed up to the cap; all counted). */
  rejects: RejectedRow[];
  /** Rejected records beyond the cap: counted, not listed. */
  notListed: number;
  /**
   * Records that were valid rows but must be taken out (ordinals, ascending): the last one when
   * its quote never closes and it swallowed later lines (or the file does not end with a line
   * feed: DuckDB then drops the field's last character), and any with text after a closing
   * quote (DuckDB drops that text).
   */
  takeOut: number[];
  lineMap: ScanResult['lineMap'];
  /** Records the scanner counted as accepted (a check on the reader's own count). */
  accepted: number;
}

/** Why an accepted record is not a valid row, read from its raw text. */
export function describeInvalid(
  text: string,
  fields: number,
  delimiter: string,
  mapping: ColumnMapping,
  headers: readonly string[],
): { reason: string; value?: string } {
  const n = headers.length;
  if (fields !== n) return { reason: wrongFieldCount(n, fields) };
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: '\n' }).data.flat();
  const role = TIME_ROLE[mapping.table];
  const uidIdx = mapping.roles.user_id as number;
  const timeIdx = mapping.roles[role] as number;
  const uid = (parsed[uidIdx] ?? '').trim();
  const time = (parsed[timeIdx] ?? '').trim();
  if (uid === '') return { reason: `empty user_id (column "${headers[uidIdx] ?? ''}")` };
  if (time === '') return { reason: `empty ${role} (column "${headers[timeIdx] ?? ''}")` };
  return {
    reason: `unparseable ${role} "${time.slice(0, 200)}" (column "${headers[timeIdx] ?? ''}"): not ISO 8601 or epoch seconds/milliseconds`,
    value: time,
  };
}

export async function locate(
  input: InputFile,
  delimiter: string,
  mapping: ColumnMapping,
  headers: readonly string[],
  found: { shape: ShapeReject[]; invalid: number[]; accepted: number },
  maxDetails: number,
): Promise<Located> {
  const lastOrdinal = found.accepted - 1;
  const total = found.shape.length + found.invalid.length;
  // Details for the first `maxDetails` rejects in file order; the last record is always looked
  // at, to tell an unclosed quote.
  const wanted = new Set(found.invalid.slice(0, maxDetails));
  if (lastOrdinal >= 0) wanted.add(lastOrdinal);
  // DuckDB opens a quoted field after one space too: the scan must split records as it did.
  const query = {
    rejectLines: new Set(found.shape.map((r) => r.line)),
    wanted,
    spaceQuote: true,
  };
  const run = (q: ScanQuery) =>
    input.scan ? input.scan(delimiter, q) : scanRecords(input.chunks(), delimiter, q);
  const scan = await run(query);
  const rejects: RejectedRow[] = [];
  // A quote that never closes: it swallowed later lines, or the file ends inside it without a
  // line feed (then DuckDB's reader loses the field's last character); only a quote that ends
  // with the file's final line feed leaves the record whole.
  const whole = scan.openBreaks === 1 && scan.end === 'lf';
  const swallowed = scan.openBreaks > (scan.end === 'none' ? 0 : 1);
  const openReason = swallowed ? UNTERMINATED : UNTERMINATED_AT_END;
  for (const r of found.shape) {
    // DuckDB may number the error of a quote that never closes past the record's own line (where
    // it found the end of the file): no record follows the open one, so it is that record.
    const open = scan.unterminated && r.line >= scan.openUnit && !whole;
    const rec = scan.rejected.get(open ? scan.openUnit : r.line);
    rejects.push({
      line: open ? scan.openLine : (rec?.line ?? r.line),
      reason: open ? openReason : describeShapeError(r),
      raw: rec?.text ?? (open ? r.raw.replace(/^[\r\n]+/, '') : r.raw),
    });
  }
  const invalid = new Set(found.invalid);
  const takeOut = new Set<number>();
  for (const ordinal of wanted) {
    const rec = scan.located.get(ordinal);
    if (!rec) continue;
    // A quote left open on the last line ends at the end of the file and the record loads, when
    // a line feed ends the file; one that swallowed later lines is rejected, and so is one the
    // file ends inside without a line feed (DuckDB's reader then loses the field's last
    // character, or keeps a CR).
    const open =
      ordinal === lastOrdinal && scan.unterminated && rec.line === scan.openLine && !whole;
    if (open && !invalid.has(ordinal)) takeOut.add(ordinal);
    if (!invalid.has(ordinal) && !open) continue;
    rejects.push({
      line: rec.line,
      reason: open
        ? openReason
        : describeInvalid(rec.text, rec.fields, delimiter, mapping, headers).reason,
      raw: rec.text,
    });
  }
  // Text after a closing quote: rare, so their texts come from a second scan, only then.
  const malformed = scan.malformed.filter((o) => !invalid.has(o) && !takeOut.has(o));
  if (malformed.length > 0) {
    const texts = await run({
      ...query,
      wanted: new Set(malformed.slice(0, maxDetails)),
    });
    for (const ordinal of malformed) {
      takeOut.add(ordinal);
      const rec = texts.located.get(ordinal);
      rejects.push({
        line: rec?.line ?? lineOf(scan.lineMap, ordinal),
        reason: TEXT_AFTER_QUOTE,
        ...(rec ? { raw: rec.text } : {}),
      });
    }
  }
  rejects.sort((a, b) => a.line - b.line);
  const listed = rejects.slice(0, maxDetails);
  const counted = total + takeOut.size;
  return {
    rejects: listed,
    notListed: counted - listed.length,
    takeOut: [...takeOut].sort((a, b) => a - b),
    lineMap: scan.lineMap,
    accepted: scan.accepted,
  };
}
