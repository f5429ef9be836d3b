/**
 * Text encodings. DuckDB's CSV reader and the line scanner read UTF-8 only, so the encoding is
 * told from the file's first bytes before anything else reads it:
 *
 * - a UTF-8 BOM, or bytes that are valid UTF-8: read as they are;
 * - UTF-16 (LE or BE, with a BOM, or without one when every other byte is zero, as in ASCII
 *   text): converted to UTF-8, and the report says so;
 * - bytes that are not UTF-8 and read as a single-byte Western encoding (non-ASCII bytes stand
 *   alone among ASCII ones, never a byte Windows-1252 leaves undefined): Windows-1252 (a
 *   superset of ISO-8859-1), converted to UTF-8, and the report says so;
 * - anything else (UTF-32, multi-byte legacy encodings such as Shift-JIS or GBK, binary files,
 *   ZIP/Excel workbooks, gzip): refused, with a message naming what was found.
 *
 * A UTF-8 file with a few broken bytes stays UTF-8 (valid multi-byte sequences outnumber the
 * broken bytes): its broken rows are rejected, one by one, as not valid UTF-8. Only the head is
 * looked at (the sniffed bytes), so a file that turns non-UTF-8 later also gets its rows
 * rejected, never read as mojibake.
 */
import { browserFileInput, bufferInput } from './input-file.ts';
import type { InputFile } from './input-file.ts';

export type TranscodedEncoding = 'utf-16le' | 'utf-16be' | 'windows-1252';

export type EncodingVerdict =
  | { kind: 'utf-8' }
  | { kind: 'transcode'; encoding: TranscodedEncoding; label: string }
  | { kind: 'refuse'; message: string };

const SAVE_AS_UTF8 = 'Save it as UTF-8 (in Excel: "CSV UTF-8") and load it again.';

/** Bytes Windows-1252 leaves undefined: text in it never holds them. */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

interface Utf8Stats {
  /** Well-formed multi-byte sequences. */
  multi: number;
  /** Bytes that are not part of a well-formed sequence. */
  invalid: number;
}

/** Count well-formed multi-byte sequences and stray bytes; a sequence cut by `end` is neither. */
export function utf8Stats(bytes: Uint8Array, complete: boolean): Utf8Stats {
  let multi = 0;
  let invalid = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      invalid++;
      i++;
      continue;
    }
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const c = bytes[i + k] as number;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) break;
    }
    if (k > need) {
      multi++;
      i += need + 1;
    } else if (i + k >= n && !complete) {
      break; // cut by the end of the head: undecided
    } else {
      invalid++;
      i++;
    }
  }
  return { multi, invalid };
}

/** UTF-16 without a BOM: in mostly-ASCII text every other byte is zero. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 64 * 1024) & ~1;
  if (n < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero >= 0.4 * pairs && evenZero <= 0.05 * pairs) return 'utf-16le';
  if (evenZero >= 0.4 * pairs && oddZero <= 0.05 * pairs) return 'utf-16be';
  return null;
}

const isAsciiLetter = (b: number | undefined) =>
  b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

/**
 * The marks of a multi-byte (or non-Latin single-byte) encoding, in bytes that are not UTF-8:
 * non-ASCII bytes in runs of three or more (CJK characters take two bytes each and come in
 * words; Cyrillic or Greek words are all non-ASCII), or in pairs that touch no ASCII letter (a
 * lone CJK character between delimiters). In Western text an accented letter stands inside a
 * word, next to ASCII letters, and a run of three is rare.
 */
function looksMultiByte(bytes: Uint8Array): boolean {
  let high = 0;
  let marked = 0;
  let start = -1;
  const close = (end: number) => {
    const run = end - start;
    const touchesLetter = isAsciiLetter(bytes[start - 1]) || isAsciiLetter(bytes[end]);
    if (run >= 3 || (run % 2 === 0 && !touchesLetter)) marked += run;
    start = -1;
  };
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      high++;
      if (start < 0) start = i;
    } else if (start >= 0) close(i);
  }
  if (start >= 0) close(bytes.length);
  return high > 0 && marked > 0.3 * high;
}

/** What to do with a file, from its first bytes (`complete`: they are the whole file). */
export function detectEncoding(head: Uint8Array, complete: boolean): EncodingVerdict {
  const [b0, b1, b2, b3] = [head[0], head[1], head[2], head[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { kind: 'utf-8' };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)
    return {
      kind: 'refuse',
      message: `The file is in UTF-32 (little-endian, it starts with a UTF-32 byte order mark), which Surgescope does not read. ${SAVE_AS_UTF8}`,
    };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
    return {
      kind: 'refuse',
      message: `The file is in UTF-32 (big-endian, it starts with a UTF-32 byte order mark), which Surgescope does not read. ${SAVE_AS_UTF8}`,
    };
  if (b0 === 0xff && b1 === 0xfe)
    return { kind: 'transcode', encoding: 'utf-16le', label: 'UTF-16 LE (with BOM)' };
  if (b0 === 0xfe && b1 === 0xff)
    return { kind: 'transcode', encoding: 'utf-16be', label: 'UTF-16 BE (with BOM)' };
  if (b0 === 0x50 && b1 === 0x4b && b2 === 0x03 && b3 === 0x04)
    return {
      kind: 'refuse',
      message:
        'The file is a ZIP archive (an Excel .xlsx workbook?), not CSV text. Export it as CSV (in Excel: "CSV UTF-8") and load that.',
    };
  if (b0 === 0x1f && b1 === 0x8b)
    return {
      kind: 'refuse',
      message: 'The file is gzip-compressed, not CSV text. Decompress it and load the CSV.',
    };
  const wide = utf16WithoutBom(head);
  if (wide)
    return {
      kind: 'transcode',
      encoding: wide,
      label: `UTF-16 ${wide === 'utf-16le' ? 'LE' : 'BE'} (no BOM; every other byte is zero)`,
    };
  const zeros = head.reduce((n, b) => n + (b === 0 ? 1 : 0), 0);
  if (zeros > 0 && zeros >= 0.01 * head.length)
    return {
      kind: 'refuse',
      message: `The file holds NUL bytes (${zeros} in its first ${head.length} bytes): it is binary, or text in an encoding such as UTF-32, not UTF-8 CSV. ${SAVE_AS_UTF8}`,
    };
  const { multi, invalid } = utf8Stats(head, complete);
  if (invalid === 0 || multi >= invalid) return { kind: 'utf-8' };
  const undefinedByte = head.find((b) => UNDEFINED_1252.has(b));
  if (undefinedByte !== undefined || looksMultiByte(head))
    return {
      kind: 'refuse',
      message: `The file is not UTF-8 text (${invalid} bytes of its first ${head.length} are not valid UTF-8), nor Windows-1252: ${
        undefinedByte !== undefined
          ? `it holds byte 0x${undefinedByte.toString(16).toUpperCase()}, which Windows-1252 never uses`
          : 'its non-ASCII bytes come in runs, not one accented letter at a time'
      }, as in encodings such as Shift-JIS, GBK, Big5, EUC-KR or Windows-1251. ${SAVE_AS_UTF8}`,
    };
  return {
    kind: 'transcode',
    encoding: 'windows-1252',
    label: 'Windows-1252 (not UTF-8: read as Windows-1252, also known as Latin-1/ISO-8859-1)',
  };
}

/** The file's bytes converted to UTF-8, chunk by chunk (no BOM in the output). */
export async function* toUtf8(
  chunks: AsyncIterable<Uint8Array>,
  encoding: TranscodedEncoding,
): AsyncIterable<Uint8Array> {
  const decoder = new TextDecoder(encoding);
  const encoder = new TextEncoder();
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield encoder.encode(text);
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield encoder.encode(rest);
}

/**
 * The file as UTF-8: a new input over the converted bytes (in the browser a File, read in place
 * and scanned in a worker like any other; elsewhere a buffer). It keeps the original's name.
 */
export async function transcodeInput(
  input: InputFile,
  encoding: TranscodedEncoding,
): Promise<InputFile> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of toUtf8(input.chunks(), encoding)) {
    parts.push(part);
    length += part.length;
  }
  if (input.source.kind === 'browser-file')
    return browserFileInput(new File(parts as BlobPart[], input.name, { type: 'text/csv' }));
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bufferInput(input.name, bytes);
}
