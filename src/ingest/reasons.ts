/** Reasons a person understands, for every kind of rejected record. */
import { TIME_ROLE } from './roles.ts';
import type { TableName } from './roles.ts';

/** The reason for a record with the wrong number of fields. */
export function wrongFieldCount(expected: number | string, found: number | string): string {
  return `wrong number of fields: expected ${expected}, found ${found}`;
}

export function describeShapeError(r: { type: string; message: string }): string {
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(r.message);
  switch (r.type) {
    case 'TOO MANY COLUMNS':
    case 'MISSING COLUMNS':
      return counts
        ? wrongFieldCount(counts[1] as string, counts[2] as string)
        : `wrong number of fields (${r.message})`;
    case 'UNQUOTED VALUE':
      return 'a quoted field is never closed, or a quote stands inside an unquoted field';
    case 'INVALID UNICODE':
    case 'INVALID ENCODING':
      return 'the text is not valid UTF-8 (a file mixing encodings, such as Windows-1252 text in a UTF-8 file? Save it as UTF-8)';
    case 'LINE SIZE OVER MAXIMUM':
      return 'the record is longer than the maximum line size (2 MB)';
    default:
      return r.message.split('\n')[0] ?? r.type;
  }
}

/** Why an accepted record was rejected: empty id first, then the timestamp. */
export function describeRowError(
  table: TableName,
  userId: string | null,
  timeText: string | null,
  userHeader: string,
  timeHeader: string,
): { reason: string; raw?: string } {
  const role = TIME_ROLE[table];
  if (!userId) return { reason: `empty user_id (column "${userHeader}")` };
  if (!timeText) return { reason: `empty ${role} (column "${timeHeader}")` };
  return {
    reason: `unparseable ${role} "${timeText}" (column "${timeHeader}"): not ISO 8601 or epoch seconds/milliseconds`,
    raw: timeText,
  };
}
