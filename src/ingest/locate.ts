/**
 * Locate: one pass over the file's bytes (record-scan.ts) gives every rejected record its
 * physical line, its raw text and a reason, tells whether the last record's quote never closes,
 * and yields the file's line map (ordinal → physical line), kept so that any row's line can be
 * found later without the file.
 */
import Papa from 'papaparse';
import type { InputFile } from './input-file.ts';
import { scanRecords } from './record-scan.ts';
import type { ScanResult } from './record-scan.ts';
import { describeShapeError, wrongFieldCount } from './reasons.ts';
import { TIME_ROLE } from './roles.ts';
import type { ColumnMapping } from './roles.ts';
import type { RejectedRow } from './report.ts';
import type { ShapeReject } from './stage.ts';

export const UNTERMINATED = 'a quoted field is never closed: the quote runs to the end of the file';

export interface Located {
  /** Every rejected record in line order (listed up to the cap; all counted). */
  rejects: RejectedRow[];
  /** Rejected records beyond the cap: counted, not listed. */
  notListed: number;
  /** The last record's quote never closes, and it was a valid row: it must be taken out. */
  unterminatedRow: number | null;
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
  const query = { rejectLines: new Set(found.shape.map((r) => r.line)), wanted };
  const scan = input.scan
    ? await input.scan(delimiter, query)
    : await scanRecords(input.chunks(), delimiter, query);
  const rejects: RejectedRow[] = [];
  for (const r of found.shape) {
    const rec = scan.rejected.get(r.line);
    rejects.push({
      line: rec?.line ?? r.line,
      reason: describeShapeError(r),
      raw: rec?.text ?? r.raw,
    });
  }
  const invalid = new Set(found.invalid);
  let unterminatedRow: number | null = null;
  for (const ordinal of wanted) {
    const rec = scan.located.get(ordinal);
    if (!rec) continue;
    // A quote left open on the last line ends at the end of the file and the record loads (as
    // Python's csv reads it); one that swallowed later lines is rejected.
    const lastOpen =
      ordinal === lastOrdinal &&
      scan.unterminated &&
      (/[\r\n]/.test(rec.text.replace(/[\r\n]+$/, '')) || rec.truncated);
    if (lastOpen && !invalid.has(ordinal)) unterminatedRow = ordinal;
    if (!invalid.has(ordinal) && !lastOpen) continue;
    rejects.push({
      line: rec.line,
      reason: lastOpen
        ? UNTERMINATED
        : describeInvalid(rec.text, rec.fields, delimiter, mapping, headers).reason,
      raw: rec.text,
    });
  }
  rejects.sort((a, b) => a.line - b.line);
  const listed = rejects.slice(0, maxDetails);
  const counted = total + (unterminatedRow !== null ? 1 : 0);
  return {
    rejects: listed,
    notListed: counted - listed.length,
    unterminatedRow,
    lineMap: scan.lineMap,
    accepted: scan.accepted,
  };
}
