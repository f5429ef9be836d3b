/**
 * Encodings other than UTF-8 (encoding.ts): UTF-16 (LE/BE, with a BOM or without) and
 * Windows-1252 are converted to UTF-8 and the file's report says so; UTF-32, Shift-JIS and the
 * like are refused with a message naming what was found; never mojibake. The fixtures hold the
 * same five records (one with an empty user id, on line 4), written by hand in each encoding.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { NodeEngineKind } from '../../src/db/node-engine.ts';
import { detectEncoding, transcodeInput } from '../../src/ingest/encoding.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { browserFileInput, bufferInput } from '../../src/ingest/input-file.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import { expectAccounting, expectFile, fixture, freshEngine, ingestFixtures } from './helpers.ts';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

/** What every converted fixture loads: the text exactly as written, accents and all. */
const EXPECTED = [
  { user_id: 'e1', région: 'Île-de-France', note: 'café' },
  { user_id: 'e2', région: 'Zürich', note: 'Straße, 5' },
  { user_id: 'e3', région: 'Ñuñoa', note: '€ 5 – “quoted”' },
];

async function loadedRows(e: Engine) {
  return e.query<{ user_id: string; région: string; note: string }>(
    'SELECT user_id, "région", note FROM signups ORDER BY user_id',
  );
}

describe('UTF-16 and Windows-1252 are converted, and the report says so', () => {
  it.each([
    ['encoding_signups_utf16le_bom.csv', /UTF-16 LE \(with BOM\)/],
    ['encoding_signups_utf16be_bom.csv', /UTF-16 BE \(with BOM\)/],
    ['encoding_signups_utf16le_nobom.csv', /UTF-16 LE \(no BOM/],
    ['encoding_signups_cp1252.csv', /Windows-1252/],
  ])('%s', async (name, label) => {
    engine = await freshEngine();
    const r = await ingestFixtures(engine, [name]);
    const f = r.files[0];
    expectFile(f, {
      table: 'signups',
      read: 4,
      loaded: 3,
      rejected: 1,
      duplicates: 0,
      lines: [4],
    });
    expect(f?.encoding).toMatch(label);
    expect(f?.encoding).toMatch(/converted to UTF-8/);
    expect(f?.rejects[0]?.reason).toMatch(/empty user_id/);
    // The header "Région" keeps its accent: never `r_gion`.
    expect(f?.columns?.map((c) => c.role)).toEqual([
      'user_id',
      'signup_at',
      'segment:région',
      'segment:note',
    ]);
    expect(await loadedRows(engine)).toEqual(EXPECTED);
    expect(f?.delimiter).toBe(name.includes('cp1252') ? ';' : ',');
  });

  it.each<[NodeEngineKind]>([['native'], ['wasm']])(
    'UTF-16 with CJK and emoji, on the %s engine: no phantom record, text exact',
    async (kind) => {
      engine = await openNodeEngine({
        engine: kind,
        allowedPaths: [fixture('encoding_signups_utf16le_cjk.csv')],
      });
      const r = await ingestFiles(engine, [
        { input: pathInput(fixture('encoding_signups_utf16le_cjk.csv')) },
      ]);
      expectAccounting(r);
      expectFile(r.files[0], {
        table: 'signups',
        read: 5,
        loaded: 4,
        rejected: 1,
        duplicates: 0,
        lines: [4],
      });
      expect(await loadedRows(engine)).toEqual([
        ...EXPECTED,
        { user_id: 'e4', région: '北京', note: '😀 emoji' },
      ]);
      expect(r.files[0]?.rejects[0]?.raw).toBe(',2025-01-14T10:00:00Z,Québec,no id');
    },
  );
});

describe('encodings that cannot be read are refused, naming them', () => {
  it.each([
    ['encoding_signups_shiftjis.csv', /not UTF-8.*Shift-JIS/],
    ['encoding_signups_utf32le_bom.csv', /UTF-32/],
  ])('%s', async (name, message) => {
    engine = await freshEngine();
    const r = await ingestFixtures(engine, ['signups_basic.csv', name]);
    const f = r.files[1];
    expect(f?.error).toMatch(message);
    expect(f?.errorKind).toBe('encoding');
    expect(f?.error).toMatch(/Save it as UTF-8/);
    expect(f?.rows_loaded).toBe(0);
    // The file before it is untouched.
    expect(r.signups).toBe(2);
  });

  it('a ZIP (xlsx) or gzip file is named as such', () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
    const gz = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
    expect(detectEncoding(zip, true)).toMatchObject({ kind: 'refuse', message: /ZIP|xlsx/ });
    expect(detectEncoding(gz, true)).toMatchObject({ kind: 'refuse', message: /gzip/ });
  });

  it('GBK, EUC-KR and Windows-1251 text is refused, not read as Windows-1252', () => {
    const samples = [
      readFileSync(fixture('encoding_signups_shiftjis.csv')),
      // 北京市 in GBK, 서울 in EUC-KR, Москва in Windows-1251, each between ASCII fields.
      Uint8Array.from([
        ...Buffer.from('u1,2025-01-14T08:00:00Z,'),
        0xb1,
        0xb1,
        0xbe,
        0xa9,
        0xca,
        0xd0,
        0x0a,
      ]),
      Uint8Array.from([...Buffer.from('u1,x,'), 0xbc, 0xad, 0xbf, 0xef, 0x0a]),
      Uint8Array.from([...Buffer.from('u1,x,'), 0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0, 0x0a]),
    ];
    for (const bytes of samples)
      expect(detectEncoding(new Uint8Array(bytes), true).kind, String(bytes)).toBe('refuse');
  });
});

describe('UTF-8 stays UTF-8', () => {
  it('a UTF-8 file with one broken byte loads, the broken row rejected with its line', async () => {
    engine = await freshEngine();
    const good = Array.from({ length: 30 }, (_, i) => `u${i},2025-01-14T08:00:00Z,café`);
    const bytes = Buffer.concat([
      Buffer.from(['user_id,signup_at,c', ...good, ''].join('\n')),
      Buffer.from([0x62, 0x61, 0x64, 0x2c]), // "bad,"
      Buffer.from('2025-01-14T08:00:00Z,caf'),
      Buffer.from([0xe9, 0x0a]), // é in Windows-1252
      Buffer.from('u99,2025-01-14T08:00:00Z,ok\n'),
    ]);
    expect(detectEncoding(new Uint8Array(bytes), true)).toEqual({ kind: 'utf-8' });
    const r = await ingestFiles(engine, [{ input: bufferInput('mixed.csv', bytes) }]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'signups',
      read: 32,
      loaded: 31,
      rejected: 1,
      duplicates: 0,
      lines: [32],
    });
    expect(r.files[0]?.rejects[0]?.reason).toMatch(/not valid UTF-8/);
    expect(r.files[0]?.encoding).toBeUndefined();
  });

  it('Windows-1252 bytes past the sniffed head: rejected rows, never mojibake', async () => {
    engine = await freshEngine();
    const filler = Array.from({ length: 12_000 }, (_, i) => `u${i},2025-01-14T08:00:00Z,plain`);
    const bytes = Buffer.concat([
      Buffer.from(['user_id,signup_at,c', ...filler, ''].join('\n')),
      Buffer.from('late,2025-01-14T08:00:00Z,Qu'),
      Buffer.from([0xe9, 0x62, 0x65, 0x63, 0x0a]), // Québec in Windows-1252
    ]);
    expect(bytes.length).toBeGreaterThan(256 * 1024);
    const r = await ingestFiles(engine, [{ input: bufferInput('late.csv', bytes) }]);
    expectAccounting(r);
    expect(r.files[0]?.rows_rejected).toBe(1);
    expect(r.files[0]?.rejects[0]?.line).toBe(12_002);
    expect(r.files[0]?.rejects[0]?.reason).toMatch(/not valid UTF-8.*Windows-1252/);
    const late = await engine.query("SELECT * FROM signups WHERE user_id = 'late'");
    expect(late).toEqual([]);
  });
});

describe('the browser path converts a File into a File', () => {
  it('a UTF-16 File becomes a UTF-8 File, read in place like any other', async () => {
    const bytes = readFileSync(fixture('encoding_signups_utf16be_bom.csv'));
    const input = browserFileInput(new File([bytes], 'export.csv'));
    const verdict = detectEncoding(await input.head(1024), true);
    expect(verdict).toMatchObject({ kind: 'transcode', encoding: 'utf-16be' });
    if (verdict.kind !== 'transcode') return;
    const utf8 = await transcodeInput(input, verdict.encoding);
    expect(utf8.name).toBe('export.csv');
    expect(utf8.source.kind).toBe('browser-file');
    const text = new TextDecoder().decode(await utf8.head(utf8.size));
    expect(text.startsWith('user_id,signup_at,Région,note\r\n')).toBe(true);
    expect(text).toContain('e3,2025-01-15T08:00:00Z,Ñuñoa,€ 5 – “quoted”\r\n');
    expect(utf8.size).toBe(new TextEncoder().encode(text).length);
  });

  it('conversion across chunk edges splits no character', async () => {
    // 3 MB of UTF-16 LE: the 1 MiB chunks of a buffer input cut surrogate pairs and BOM-less
    // halves at arbitrary points; the converted text must still be exact.
    const line = 'u,2025-01-14T08:00:00Z,😀北é\n';
    const text = 'user_id,signup_at,c\n' + line.repeat(50_000);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const out = await transcodeInput(bufferInput('big.csv', utf16), 'utf-16le');
    expect(new TextDecoder().decode(await out.head(out.size))).toBe(text);
  });
});
