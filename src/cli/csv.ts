/** Plain CSV for the CLI: header row, comma-separated, numbers unquoted, values exactly as computed. */
import { csvCell } from '../share/csv-export.ts';

export function toCsv<T extends object>(
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): string {
  const lines = [
    columns.join(','),
    ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')),
  ];
  return lines.join('\n') + '\n';
}
