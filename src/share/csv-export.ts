/**
 * CSV for people's spreadsheets. Formula-safe per OWASP: a cell or header that starts with
 * = + - @ tab or CR, also after leading spaces, gets a leading apostrophe so a spreadsheet
 * shows it as text. Numbers are written as numbers (a negative number is a value, not a formula).
 */

import Papa from 'papaparse';

const DANGEROUS = /^[\s]*[=+\-@\t\r]/;

/** One CSV cell: numbers as numbers, text quoted when it holds a quote, comma, newline or edge spaces. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Text that gets an apostrophe: formula-like text, and text that already starts with
 * apostrophes before formula-like text (so reading back can tell the two apart).
 */
function needsMark(s: string): boolean {
  return DANGEROUS.test(s) || (s.startsWith("'") && needsMark(s.slice(1)));
}

/** A cell a spreadsheet will not run: formula-like text gets a leading apostrophe. */
export function safeCell(value: unknown): string {
  return typeof value === 'string' && needsMark(value) ? csvCell(`'${value}`) : csvCell(value);
}

export function toSafeCsv(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  return (
    [headers.map(safeCell).join(','), ...rows.map((r) => r.map(safeCell).join(','))].join('\r\n') +
    '\r\n'
  );
}

/**
 * Read a CSV written by {@link toSafeCsv} back into its cells: the apostrophe added to
 * formula-like text is removed, so every cell parses back to the value that was exported
 * (numbers as their text).
 */
export function readSafeCsv(text: string): string[][] {
  const rows = Papa.parse<string[]>(text.replace(/\r\n$/, ''), { newline: '\r\n' }).data;
  return rows.map((r) =>
    r.map((cell) => (cell.startsWith("'") && needsMark(cell.slice(1)) ? cell.slice(1) : cell)),
  );
}
