/**
 * Sniff a CSV file from its first bytes with papaparse: delimiter, BOM, header and a preview.
 * DuckDB then reads the whole file with the dialect found here, every column as text.
 */
import Papa from 'papaparse';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface Sniffed {
  delimiter: Delimiter;
  hasBom: boolean;
  headers: string[];
  /** The first data records, as parsed text. */
  preview: string[][];
}

export const SNIFF_BYTES = 256 * 1024;

/** Decode the head of a file. A multi-byte character cut at the end is dropped, not mangled. */
export function decodeHead(bytes: Uint8Array): { text: string; hasBom: boolean } {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body, { stream: true });
  return { text, hasBom };
}

/**
 * The delimiter the header line names: the candidate found most often in it outside quotes,
 * when one is found strictly more often than the others. A header is the cleanest line of an
 * export (its names rarely hold a delimiter), where data rows may be ragged or malformed enough
 * to mislead a guess made on the rows; null when the header alone cannot tell.
 */
export function headerDelimiter(text: string): Delimiter | null {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuote = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inQuote) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuote = false;
      }
      continue;
    }
    if (c === '\n' || c === '\r') break;
    if (c === '"' && fieldStart) {
      inQuote = true;
      continue;
    }
    const d = c as Delimiter;
    const n = counts.get(d);
    fieldStart = n !== undefined;
    if (n !== undefined) counts.set(d, n + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  return best && best[1] > 0 && best[1] > (second?.[1] ?? 0) ? best[0] : null;
}

/**
 * Parse the head of a file. `complete` says the text is the whole file; otherwise the last,
 * possibly cut, record is dropped from the preview. The delimiter comes from the header line
 * when it tells (headerDelimiter), else from papaparse's guess over the first rows.
 */
export function sniffText(
  text: string,
  hasBom: boolean,
  complete: boolean,
  previewRows = 20,
): Sniffed {
  const named = headerDelimiter(text);
  const result = Papa.parse<string[]>(text, {
    ...(named ? { delimiter: named } : { delimitersToGuess: [...DELIMITERS] }),
    preview: previewRows + 2,
    skipEmptyLines: true,
  });
  const guessed = result.meta.delimiter;
  const delimiter = (DELIMITERS as readonly string[]).includes(guessed)
    ? (guessed as Delimiter)
    : ',';
  const rows = result.data;
  // Without the preview limit hit, a head that is not the whole file may end mid-record.
  if (!complete && !result.meta.truncated && rows.length > 1) rows.pop();
  const headers = (rows[0] ?? []).map((h) => h.trim());
  return { delimiter, hasBom, headers, preview: rows.slice(1, previewRows + 1) };
}

/** What a column looks like from a sample of its values. */
export interface ColumnProfile {
  kind: 'segment' | 'free-text' | 'identifier';
  /** Why it is not offered as a segment by default (for free text and identifiers). */
  reason: string | null;
  distinct: number;
  sampled: number;
}

/**
 * Columns that look like free text (long values, mostly distinct) or identifiers (almost every
 * value distinct) make poor segments: a filter or breakdown by them lists texts or ids, and
 * they cost memory. They are not offered as segments by default; the dialog says why.
 */
export function profileColumns(
  headers: readonly string[],
  rows: readonly string[][],
): ColumnProfile[] {
  return headers.map((_, i) => {
    const values = rows.map((r) => (r[i] ?? '').trim()).filter((v) => v !== '');
    const sampled = values.length;
    const distinct = new Set(values).size;
    const avg = sampled ? values.reduce((s, v) => s + v.length, 0) / sampled : 0;
    const longest = values.reduce((m, v) => Math.max(m, v.length), 0);
    if (sampled >= 5 && (avg > 40 || longest > 120))
      return {
        kind: 'free-text',
        reason: `looks like free text: values run to ${longest} characters, ${Math.round((100 * distinct) / sampled)}% of the ${sampled} sampled are distinct`,
        distinct,
        sampled,
      };
    if (sampled >= 20 && distinct / sampled >= 0.95)
      return {
        kind: 'identifier',
        reason: `looks like an identifier: ${distinct} of the ${sampled} sampled values are distinct`,
        distinct,
        sampled,
      };
    return { kind: 'segment', reason: null, distinct, sampled };
  });
}
