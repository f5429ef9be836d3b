/**
 * Property: every messy CSV ends as a loaded file whose accounting reconciles or a refused file
 * with a message, and the rows that load are exactly the valid records, byte for byte.
 *
 * The generator writes signup exports the way real tools get them wrong: any of the four
 * delimiters, a BOM or none, quoted or bare fields (quotes, delimiters, CR LF and LF inside
 * quoted ones), LF and CRLF mixed from line to line, blank lines, wrong field counts, empty ids
 * and times, unparseable and implausible timestamps in every accepted form (ISO with Z, offsets,
 * naive, fractions, dates, epoch seconds and milliseconds, padded with spaces), non-ASCII text,
 * text after a closing quote, a quote left open on the last line (with and without a final line
 * feed) or swallowing the lines after it, and one or two files per load (ids repeat across them).
 * A model written from the README's rules gives each file's counts, every reject's physical line
 * and kind of reason, each file's implausible rows, and the signups table that must result.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { clearData, ingestFiles } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import { isPlausibleMs } from '../../src/ingest/plausible.ts';
import { expectAccounting } from './helpers.ts';

const DELIMITERS = [',', ';', '\t', '|'] as const;
type Delimiter = (typeof DELIMITERS)[number];

type Kind =
  | 'valid'
  | 'implausible'
  | 'emptyUid'
  | 'emptyTime'
  | 'badTime'
  | 'tooFew'
  | 'tooMany'
  | 'textAfterQuote';

interface Time {
  text: string;
  ms: number | null;
}
interface Rec {
  kind: Kind;
  uid: string;
  time: Time;
  country: string;
  note: string;
  quote: [boolean, boolean, boolean, boolean];
  blankBefore: ('\n' | '\r\n')[];
  eol: '\n' | '\r\n';
}
interface FileSpec {
  delimiter: Delimiter;
  bom: boolean;
  quoteHeader: boolean;
  records: Rec[];
  /** How the file ends: the last record's line break, or none. */
  lastEol: '\n' | '\r\n' | '';
  /** The last record's note opens a quote that never closes (text without quotes or breaks). */
  openLast: string | null;
  /** After the records, a record whose quote swallows these quote-free lines. */
  swallow: string[] | null;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const iso = (ms: number) => new Date(ms).toISOString();
const T_MIN = Date.UTC(2024, 0, 1);
const T_MAX = Date.UTC(2026, 0, 1);

/** A valid timestamp in one of the accepted forms, with the instant it means. */
const timeArb: fc.Arbitrary<Time> = fc
  .record({
    sec: fc.integer({ min: T_MIN / 1000, max: T_MAX / 1000 }),
    milli: fc.integer({ min: 0, max: 999 }),
    form: fc.constantFrom(
      'Z',
      'z',
      'spaceZ',
      'offset',
      'compact',
      'hours',
      'naive',
      'fraction',
      'date',
      'epochS',
      'epochMs',
      'epochHalf',
    ),
    offset: fc.constantFrom(-600, -300, 0, 330, 480, 840),
    padded: fc.boolean(),
  })
  .map(({ sec, milli, form, offset, padded }) => {
    const ms = sec * 1000;
    const wall = (t: number) => iso(t).slice(0, 19);
    const off = (m: number, colon: boolean) =>
      `${m < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(m) / 60))}${colon ? ':' : ''}${pad2(Math.abs(m) % 60)}`;
    let t: Time;
    switch (form) {
      case 'Z':
        t = { text: `${wall(ms)}Z`, ms };
        break;
      case 'z':
        t = { text: `${wall(ms)}z`, ms };
        break;
      case 'spaceZ':
        t = { text: `${wall(ms).replace('T', ' ')}Z`, ms };
        break;
      case 'offset':
        t = { text: `${wall(ms + offset * 60_000)}${off(offset, true)}`, ms };
        break;
      case 'compact':
        t = { text: `${wall(ms + offset * 60_000)}${off(offset, false)}`, ms };
        break;
      case 'hours': {
        const h = Math.trunc(offset / 60);
        t = { text: `${wall(ms + h * 3_600_000)}${off(h * 60, true).slice(0, 3)}`, ms };
        break;
      }
      case 'naive':
        t = { text: wall(ms).replace('T', ' '), ms };
        break;
      case 'fraction':
        t = { text: `${wall(ms)}.${String(milli).padStart(3, '0')}Z`, ms: ms + milli };
        break;
      case 'date': {
        const day = Math.floor(ms / 86_400_000) * 86_400_000;
        t = { text: iso(day).slice(0, 10), ms: day };
        break;
      }
      case 'epochS':
        t = { text: String(sec), ms };
        break;
      case 'epochMs':
        t = { text: String(ms + milli), ms: ms + milli };
        break;
      default:
        t = { text: `${sec}.5`, ms: ms + 500 };
    }
    return padded ? { text: ` ${t.text} `, ms: t.ms } : t;
  });

const IMPLAUSIBLE: Time[] = [
  { text: '0', ms: 0 },
  { text: '1970-01-01T00:00:00Z', ms: 0 },
  { text: '0001-01-01', ms: Date.parse('0001-01-01T00:00:00Z') },
  { text: '9999-12-31T23:59:59Z', ms: Date.parse('9999-12-31T23:59:59Z') },
  { text: '1999-12-31 23:59:59', ms: Date.UTC(1999, 11, 31, 23, 59, 59) },
  { text: '2100-01-01T00:00:00+00:00', ms: Date.UTC(2100, 0, 1) },
];
const BAD_TIMES = [
  'yesterday',
  '2025-13-01',
  '2025-02-30',
  '2025-01-01T24:00:00Z',
  'N/A',
  '12/31/2025',
  '1e5',
  '2025-01-01T10:00:00+15:00',
];

/** Text with everything that makes CSV hard: delimiters, quotes, breaks, non-ASCII. */
const textArb = fc
  .array(
    fc.constantFrom(
      'a',
      'b',
      'Z',
      ' ',
      'é',
      'ß',
      '中',
      '😀',
      '👨‍👩‍👧',
      ',',
      ';',
      '\t',
      '|',
      '"',
      "'",
      '\n',
      '\r\n',
      'x',
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
/** Text that can stand in an open quote to the end of the file: no quote, no line break. */
const openTextArb = fc
  .array(fc.constantFrom('a', 'é', ' ', ',', ';', '😀', 'x'), { minLength: 1, maxLength: 5 })
  .map((p) => p.join(''));

const UIDS = [...Array.from({ length: 12 }, (_, i) => `u${i}`), 'ü1', '用户'];

const recArb: fc.Arbitrary<Rec> = fc
  .record({
    kind: fc.constantFrom<Kind>(
      'valid',
      'valid',
      'valid',
      'valid',
      'valid',
      'implausible',
      'emptyUid',
      'emptyTime',
      'badTime',
      'tooFew',
      'tooMany',
      'textAfterQuote',
    ),
    uid: fc.constantFrom(...UIDS),
    uidPad: fc.constantFrom('', ' ', '  '),
    time: timeArb,
    implausible: fc.constantFrom(...IMPLAUSIBLE),
    bad: fc.constantFrom(...BAD_TIMES),
    country: textArb,
    note: textArb,
    quote: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()),
    blankBefore: fc.array(fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'), { maxLength: 2 }),
    eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
  })
  .map((r) => {
    const uid = r.kind === 'emptyUid' ? r.uidPad : `${r.uidPad}${r.uid}${r.uidPad}`;
    const time =
      r.kind === 'implausible'
        ? r.implausible
        : r.kind === 'badTime'
          ? { text: r.bad, ms: null }
          : r.kind === 'emptyTime'
            ? { text: r.uidPad, ms: null }
            : r.time;
    return {
      kind: r.kind,
      uid,
      time,
      country: r.country,
      note: r.note,
      quote: r.quote,
      blankBefore: r.blankBefore,
      eol: r.eol,
    };
  });

const fileArb: fc.Arbitrary<FileSpec> = fc.record({
  delimiter: fc.constantFrom(...DELIMITERS),
  bom: fc.boolean(),
  quoteHeader: fc.boolean(),
  records: fc.array(recArb, { maxLength: 25 }),
  lastEol: fc.constantFrom<'\n' | '\r\n' | ''>('\n', '\n', '\r\n', ''),
  openLast: fc.option(openTextArb, { freq: 5 }),
  swallow: fc.option(
    fc.array(fc.constantFrom('u1,2025-01-01T00:00:00Z,a,b', 'tail;x', '', 'é|😀'), {
      minLength: 1,
      maxLength: 3,
    }),
    { freq: 6 },
  ),
});

/**
 * One field as written: quoted when it must be (or when asked), quotes doubled inside. A quote
 * opens a quoted field at the start of a field or after one space there (DuckDB's reading).
 */
function field(value: string, quoted: boolean, d: Delimiter): string {
  const must =
    value.includes(d) ||
    value.includes('\n') ||
    value.includes('\r') ||
    value.startsWith('"') ||
    value.startsWith(' "');
  return must || quoted ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Line breaks in a text (CR LF counts once). */
const breaks = (text: string) => (text.match(/\r\n|\r|\n/g) ?? []).length;

interface Expected {
  read: number;
  rejects: { line: number; kind: Kind | 'open' }[];
  /** Valid records in order: what they load. */
  valid: { line: number; uid: string; ms: number; country: string | null; note: string | null }[];
}

/** The file's bytes and what the README's rules say it holds. */
function build(spec: FileSpec): { text: string; expected: Expected } {
  const d = spec.delimiter;
  const header = ['user_id', 'signup_at', 'country', 'note'].map((h) =>
    spec.quoteHeader ? `"${h}"` : h,
  );
  let text = (spec.bom ? '\uFEFF' : '') + header.join(d);
  let line = 1;
  const expected: Expected = { read: 0, rejects: [], valid: [] };
  const records = spec.records;
  // The file's first record break is the header's (it always has records or ends).
  let pendingEol: string = records[0]?.eol ?? '\n';
  const n = records.length;
  records.forEach((r, i) => {
    const last = i === n - 1 && spec.swallow === null;
    text += pendingEol;
    line += 1;
    for (const blank of r.blankBefore) {
      text += blank;
      line += 1;
    }
    const open = last && spec.openLast !== null && r.kind === 'valid';
    const fields = [
      field(r.uid, r.quote[0], d),
      field(r.time.text, r.quote[1], d),
      field(r.country, r.quote[2], d),
      open
        ? `"${spec.openLast}`
        : r.kind === 'textAfterQuote'
          ? `"${r.note.replaceAll('"', '""')}"x`
          : field(r.note, r.quote[3], d),
    ];
    if (r.kind === 'tooFew') fields.pop();
    if (r.kind === 'tooMany') fields.push('extra');
    const rec = fields.join(d);
    text += rec;
    expected.read += 1;
    const start = line;
    line += breaks(rec);
    pendingEol = last ? spec.lastEol : r.eol;
    if (open && spec.lastEol !== '\n') {
      expected.rejects.push({ line: start, kind: 'open' });
      return;
    }
    if (r.kind === 'valid' || r.kind === 'implausible')
      expected.valid.push({
        line: start,
        uid: r.uid.replace(/^ +| +$/g, ''),
        ms: r.time.ms as number,
        country: r.country === '' ? null : r.country,
        note: open ? (spec.openLast as string) : r.note === '' ? null : r.note,
      });
    else expected.rejects.push({ line: start, kind: r.kind });
  });
  if (spec.swallow !== null) {
    text += n > 0 ? (records[n - 1]?.eol ?? '\n') : '\n';
    line += 1;
    text += ['s1', '2025-01-01T00:00:00Z', 'a', `"open`].join(d);
    const rest = '\n' + spec.swallow.join('\n') + spec.lastEol;
    text += rest;
    expected.read += 1;
    // Only the file's final line feed inside the open quote: it swallowed nothing, and loads.
    if (rest === '\n')
      expected.valid.push({
        line,
        uid: 's1',
        ms: Date.UTC(2025, 0, 1),
        country: 'a',
        note: 'open',
      });
    else expected.rejects.push({ line, kind: 'open' });
  } else text += n === 0 ? '\n' : pendingEol;
  return { text, expected };
}

const REASONS: Record<Kind | 'open', RegExp> = {
  valid: /^$/,
  implausible: /^$/,
  emptyUid: /^empty user_id/,
  emptyTime: /^empty signup_at/,
  badTime: /^unparseable signup_at/,
  tooFew: /^wrong number of fields: expected 4, found 3/,
  tooMany: /^wrong number of fields: expected 4, found 5/,
  textAfterQuote: /text after the closing quote|quote|wrong number of fields/,
  open: /never closed/,
};

let engine: Engine;
beforeAll(async () => {
  engine = await openNodeEngine();
});
afterAll(async () => engine.close());

const RUNS = Number(process.env.INGEST_PROP_RUNS ?? 60);

describe('messy CSV: accounting reconciles and loaded rows round-trip', () => {
  it('one or two files of any mess', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fileArb, { minLength: 1, maxLength: 2 }), async (specs) => {
        await clearData(engine);
        const built = specs.map(build);
        const report = await ingestFiles(
          engine,
          built.map((b, i) => ({
            input: bufferInput(`f${i}.csv`, b.text),
            options: { table: 'signups' as const },
          })),
        );
        expectAccounting(report);
        // The model: the first valid copy of an id keeps its columns; the time is the earliest
        // plausible one of its copies (the earliest, when none is plausible).
        const kept = new Map<
          string,
          { country: string | null; note: string | null; times: number[] }
        >();
        built.forEach(({ expected }, i) => {
          const f = report.files[i];
          expect(f, `file ${i}`).toBeDefined();
          if (!f) return;
          const label = `file ${i}: ${JSON.stringify(specs[i])}`;
          let dups = 0;
          for (const v of expected.valid) {
            const k = kept.get(v.uid);
            if (k) {
              dups++;
              k.times.push(v.ms);
            } else kept.set(v.uid, { country: v.country, note: v.note, times: [v.ms] });
          }
          const valid = expected.valid.length;
          expect(
            {
              read: f.rows_read,
              loaded: f.rows_loaded,
              rejected: f.rows_rejected,
              duplicates: f.duplicates,
              lines: f.rejects.map((r) => r.line),
            },
            label,
          ).toEqual({
            read: expected.read,
            loaded: valid > 0 ? valid - dups : 0,
            rejected: expected.read - (valid > 0 ? valid : 0),
            duplicates: valid > 0 ? dups : 0,
            lines: expected.rejects.map((r) => r.line),
          });
          expected.rejects.forEach((r, j) =>
            expect(f.rejects[j]?.reason, `${label} line ${r.line}`).toMatch(REASONS[r.kind]),
          );
          // A file with no loadable row is refused as a whole, with a message.
          if (valid === 0) {
            expect(f.errorKind, label).toBe('no-rows');
            expect(f.error, label).toMatch(/no data rows|No row of this file could be loaded/);
          } else {
            expect(f.error, label).toBeUndefined();
            const implausible = expected.valid.filter((v) => !isPlausibleMs(v.ms));
            expect(f.implausible, label).toEqual(
              implausible.length === 0
                ? undefined
                : { rows: implausible.length, lines: implausible.slice(0, 20).map((v) => v.line) },
            );
          }
        });
        // (With nothing loaded, no file added its segment columns.)
        const rows =
          kept.size === 0
            ? await engine.query('SELECT * FROM signups')
            : await engine.query<{
                user_id: string;
                signup_at: number;
                country: string | null;
                note: string | null;
              }>('SELECT user_id, signup_at, country, note FROM signups ORDER BY user_id');
        const model = [...kept.entries()]
          .map(([user_id, k]) => {
            const plausible = k.times.filter(isPlausibleMs);
            const pool = plausible.length > 0 ? plausible : k.times;
            return { user_id, signup_at: Math.min(...pool), country: k.country, note: k.note };
          })
          .sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
        expect(rows, JSON.stringify(specs)).toEqual(model);
      }),
      { numRuns: RUNS },
    );
  });
});
