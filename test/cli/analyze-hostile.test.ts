/**
 * `npm run analyze` on exports from any tool: sentinel dates, a series too long for its
 * granularity, UTF-16 and Windows-1252 files, encodings it cannot read, a 2,000-column file,
 * empty and binary files. It never crashes or hangs: 0 when the data loaded (notes and warnings
 * on stderr), 1 with one line on stderr when a file is refused or an analysis cannot be made
 * (ingest.json written all the same, every file in it), 2 on bad arguments (README "The CLI").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const fx = (name: string) => path.join(REPO, 'test/fixtures/ingest', name);
const dir = mkdtempSync(path.join(tmpdir(), 'surgescope-cli-hostile-'));
const outDir = () => mkdtempSync(path.join(tmpdir(), 'surgescope-cli-out-'));
const read = (out: string, name: string) => readFileSync(path.join(out, name), 'utf8');

interface IngestJson {
  files: {
    file: string;
    rows_read: number;
    rows_loaded: number;
    rows_rejected: number;
    duplicates: number;
    error?: string;
    encoding?: string;
    implausible_timestamps?: { rows: number; lines: number[] };
  }[];
  dataset_end: string | null;
}
const ingest = (out: string) => JSON.parse(read(out, 'ingest.json')) as IngestJson;

function write(name: string, text: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Jan 1..28 2025, two signups a day and twenty on Jan 20..22; one post per user. */
function realSignups(): string[] {
  const rows: string[] = [];
  for (let d = 1; d <= 28; d++)
    for (let k = 0; k < (d >= 20 && d <= 22 ? 20 : 2); k++)
      rows.push(`u${d}_${k},2025-01-${String(d).padStart(2, '0')}T10:00:00Z`);
  return rows;
}
const SIGNUPS = write('signups_real.csv', ['user_id,signup_at', ...realSignups(), ''].join('\n'));
const POSTS = write(
  'posts_real.csv',
  [
    'user_id,created_at,category',
    ...realSignups().map(
      (r) => `${r.split(',')[0]},${r.split(',')[1]?.slice(0, 10)}T12:00:00Z,news`,
    ),
    '',
  ].join('\n'),
);

let stderr: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  stderr = [];
});
function captureStderr(): void {
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
}

function expectOneLine(message: string | undefined): void {
  expect(message).toEqual(expect.any(String));
  expect(message?.trim()).not.toMatch(/\n/);
}

describe('one implausible date hangs nothing', () => {
  it('0001-01-01, 9999-12-31 and epoch 0: exit 0 at once, series over the real days only', async () => {
    const bad = write(
      'signups_sentinels.csv',
      [
        'user_id,signup_at',
        ...realSignups(),
        'zz1,0001-01-01T00:00:00Z',
        'zz2,9999-12-31T23:59:59Z',
        'zz3,0',
        '',
      ].join('\n'),
    );
    const lines = realSignups().length;
    captureStderr();
    const out = outDir();
    const started = Date.now();
    const result = await runAnalyze(['--signups', bad, '--posts', POSTS, '--out', out]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result).toEqual({ code: 0 });
    // 28 days and a header: the baseline is January's first fortnight, not year 1.
    expect(read(out, 'signups.csv').trim().split('\n')).toHaveLength(29);
    const waves = JSON.parse(read(out, 'waves.json')) as {
      baseline: { from: string };
      waves: { start: string }[];
    };
    expect(waves.baseline.from).toBe('2025-01-01');
    expect(waves.waves.map((w) => w.start)).toEqual(['2025-01-20']);
    const json = ingest(out);
    expect(json.dataset_end).toBe('2025-01-28T12:00:00Z');
    expect(json.files[0]).toMatchObject({
      rows_read: lines + 3,
      rows_loaded: lines + 3,
      implausible_timestamps: { rows: 3, lines: [lines + 2, lines + 3, lines + 4] },
    });
    // No retention cohort outside the real data.
    const cohorts = read(out, 'retention.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0] ?? '');
    expect(cohorts.every((c) => c >= '2024-12-30' && c <= '2025-01-27')).toBe(true);
    expect(stderr.join('')).toMatch(
      /note: signups_sentinels\.csv: 3 rows with a timestamp outside 2000-01-01\.\.2099-12-31 \(UTC\)/,
    );
  });

  it('every signup implausible: exit 1, saying so', async () => {
    const only = write('signups_only_sentinels.csv', 'user_id,signup_at\na,0\nb,0001-01-01\n');
    const out = outDir();
    const result = await runAnalyze(['--signups', only, '--posts', POSTS, '--out', out]);
    expect(result.code).toBe(1);
    expectOneLine(result.message);
    expect(result.message).toMatch(/no signup row has a timestamp in the plausible range/);
    expect(ingest(out).files[0]?.rows_loaded).toBe(2);
  });

  it('an hour series longer than the cap: exit 1, naming coarser granularities', async () => {
    const long = write(
      'signups_long.csv',
      ['user_id,signup_at', 'old,2000-01-01T00:00:00Z', ...realSignups(), ''].join('\n'),
    );
    const out = outDir();
    const result = await runAnalyze([
      '--signups',
      long,
      '--posts',
      POSTS,
      '--out',
      out,
      '--granularity',
      'hour',
    ]);
    expect(result.code).toBe(1);
    expectOneLine(result.message);
    expect(result.message).toMatch(/hour buckets, more than the 200,000.*coarser granularity/);
    expect(ingest(out).files).toHaveLength(2);
    // At day granularity the same data is fine: 25 years of days.
    const day = outDir();
    expect(await runAnalyze(['--signups', long, '--posts', POSTS, '--out', day])).toEqual({
      code: 0,
    });
    expect(read(day, 'signups.csv').trim().split('\n')).toHaveLength(9160 + 1);
  });
});

describe('encodings', () => {
  it('UTF-16 signups and Windows-1252 posts load; ingest.json and stderr say so', async () => {
    const posts = write(
      'posts_cp1252.csv',
      Buffer.from(
        'user_id;created_at;category;ville\ne1;2025-01-14T12:00:00Z;café;Zürich\n',
        'latin1',
      ),
    );
    captureStderr();
    const out = outDir();
    const result = await runAnalyze([
      '--signups',
      fx('encoding_signups_utf16le_bom.csv'),
      '--posts',
      posts,
      '--out',
      out,
    ]);
    expect(result).toEqual({ code: 0 });
    const [s, p] = ingest(out).files;
    expect(s).toMatchObject({ rows_read: 4, rows_loaded: 3, rows_rejected: 1 });
    expect(s?.encoding).toMatch(/^UTF-16 LE \(with BOM\), converted to UTF-8$/);
    expect(p).toMatchObject({ rows_read: 1, rows_loaded: 1 });
    expect(p?.encoding).toMatch(/Windows-1252/);
    expect(read(out, 'mix.csv')).toContain(',café,');
    expect(stderr.join('')).toMatch(/note: posts_cp1252\.csv: read as Windows-1252/);
  });

  it('Shift-JIS among good files: exit 1 naming the file and the encoding', async () => {
    const out = outDir();
    const result = await runAnalyze([
      '--signups',
      SIGNUPS,
      '--signups',
      fx('encoding_signups_shiftjis.csv'),
      '--posts',
      POSTS,
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expectOneLine(result.message);
    expect(result.message).toMatch(
      /encoding_signups_shiftjis\.csv: The file is not UTF-8.*Shift-JIS/,
    );
    const files = ingest(out).files;
    expect(files.map((f) => f.rows_loaded > 0)).toEqual([true, false, true]);
  });
});

describe('a 2,000-column file', () => {
  const headers = ['user_id', 'signup_at', ...Array.from({ length: 1998 }, (_, i) => `c${i}`)];
  const row = (i: number) =>
    [`w${i}`, '2025-01-02T00:00:00Z', ...headers.slice(2).map(() => String(i))].join(',');
  const WIDE = write(
    'signups_wide.csv',
    [headers.join(','), ...Array.from({ length: 10 }, (_, i) => row(i)), ''].join('\n'),
  );

  it.each([['native'], ['wasm']])(
    '%s: refused (exit 1), and the files after it read in full',
    async (engine) => {
      const out = outDir();
      const result = await runAnalyze([
        '--signups',
        WIDE,
        '--signups',
        SIGNUPS,
        '--posts',
        POSTS,
        '--posts',
        fx('posts_overlap_a.csv'),
        '--out',
        out,
        '--engine',
        engine,
      ]);
      expect(result.code).toBe(1);
      expectOneLine(result.message);
      expect(result.message).toMatch(/signups_wide\.csv: Too many columns: this file has 2,000/);
      const files = ingest(out).files;
      expect(files.map((f) => [f.file, f.rows_loaded, f.error === undefined])).toEqual([
        ['signups_wide.csv', 0, false],
        ['signups_real.csv', realSignups().length, true],
        ['posts_real.csv', realSignups().length, true],
        ['posts_overlap_a.csv', 3, true],
      ]);
    },
  );
});

describe('files however broken: one line, never a crash', () => {
  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n\n\r\n\n'],
    ['binary bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)],
    ['a header and an unterminated quote', 'user_id,signup_at\n"u1,2025-01-01\nu2,2025-01-02\n'],
    ['a lone quote', '"'],
  ])('%s as the only signup file: exit 1 with one line', async (_label, content) => {
    const file = write(`broken_${_label.replaceAll(' ', '_')}.csv`, content);
    const out = outDir();
    const result = await runAnalyze(['--signups', file, '--posts', POSTS, '--out', out]);
    expect(result.code).toBe(1);
    expectOneLine(result.message);
    const files = ingest(out).files;
    expect(files).toHaveLength(2);
    for (const f of files)
      expect(f.rows_read, f.file).toBe(f.rows_loaded + f.rows_rejected + f.duplicates);
  });

  it('a file with no loadable row beside good ones: exit 0, a warning, its error in ingest.json', async () => {
    captureStderr();
    const out = outDir();
    const result = await runAnalyze([
      '--signups',
      SIGNUPS,
      '--signups',
      fx('signups_all_rejected.csv'),
      '--posts',
      POSTS,
      '--out',
      out,
    ]);
    expect(result).toEqual({ code: 0 });
    expect(ingest(out).files[1]?.error).toMatch(/No row of this file could be loaded/);
    expect(stderr.join('')).toMatch(/warning: signups_all_rejected\.csv: No row/);
  });
});
