/**
 * CSV for people's spreadsheets. Formula-safe per OWASP: a cell or header that starts with
 * = + - @ tab or CR, also after leading spaces, gets a leading apostrophe so a spreadsheet
 * shows it as text. Numbers are written as numbers (a negative number is a value, not a formula).
 */

const DANGEROUS = /^[\s]*[=+\-@\t\r]/;

/** One CSV cell: numbers as numbers, text quoted when it holds a quote, comma, newline or edge spaces. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A cell a spreadsheet will not run: formula-like text gets a leading apostrophe. */
export function safeCell(value: unknown): string {
  return typeof value === 'string' && DANGEROUS.test(value) ? csvCell(`'${value}`) : csvCell(value);
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

/** Offer text as a file download. */
export function downloadText(
  filename: string,
  text: string,
  type = 'text/csv;charset=utf-8',
): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
