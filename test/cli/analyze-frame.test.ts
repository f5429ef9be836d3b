/**
 * `npm run analyze` with `--filter` and `--series`, and retention_groups.csv (metrics.md
 * "Filters and the frame of the surge", "Wave groups"), on the frame fixture whose numbers are
 * worked out by hand in test/metrics/frame.test.ts. Then: both engines write identical files.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SIGNUPS = path.join(REPO, 'test/fixtures/metrics/frame_signups.csv');
const POSTS = path.join(REPO, 'test/fixtures/metrics/frame_posts.csv');
const outDir = () => mkdtempSync(path.join(tmpdir(), 'surgescope-cli-frame-'));
const base = (out: string) => ['--signups', SIGNUPS, '--posts', POSTS, '--out', out];
const read = (out: string, name: string) => readFileSync(path.join(out, name), 'utf8');

describe('analyze --filter keeps the frame of the whole data', () => {
  it('waves.json: the unfiltered window and span, the segment’s own counts', async () => {
    const out = outDir();
    expect(await runAnalyze([...base(out), '--filter', 'signups.country=B'])).toEqual({
      code: 0,
    });
    const waves = JSON.parse(read(out, 'waves.json')) as unknown;
    expect(waves).toEqual({
      baseline: { from: '2025-01-01', to: '2025-01-14', median: 0, mad: 0, threshold: 0 },
      waves: [
        {
          start: '2025-01-15',
          end: '2025-01-17',
          peak: '2025-01-16',
          peak_signups: 20,
          peak_multiple: null,
          signups: 35,
        },
      ],
    });
    // signups.csv: B per day, over the whole data's days (Jan 1..20).
    const lines = read(out, 'signups.csv').trim().split('\n');
    expect(lines[0]).toBe('bucket_start,signups');
    expect(lines).toHaveLength(21);
    expect(lines).toContain('2025-01-16,20');
    expect(lines).toContain('2025-01-01,0');
    // mix.csv: only B's posts (memes), none of A's food or travel.
    expect(read(out, 'mix.csv')).not.toMatch(/food|travel/);
  });

  it('repeated values and filters combine; a column the data lacks exits 2', async () => {
    const out = outDir();
    expect(
      await runAnalyze([
        ...base(out),
        '--filter',
        'signups.country=A',
        '--filter',
        'signups.country=B',
      ]),
    ).toEqual({ code: 0 });
    const all = outDir();
    expect(await runAnalyze(base(all))).toEqual({ code: 0 });
    expect(read(out, 'waves.json')).toBe(read(all, 'waves.json'));
    const bad = await runAnalyze([...base(outDir()), '--filter', 'signups.planet=Mars']);
    expect(bad.code).toBe(2);
    expect(bad.message).toMatch(/planet/);
    const malformed = await runAnalyze([...base(outDir()), '--filter', 'country=US']);
    expect(malformed.code).toBe(2);
  });
});

describe('analyze --series', () => {
  it('posts: three waves on the posts series', async () => {
    const out = outDir();
    expect(await runAnalyze([...base(out), '--series', 'posts'])).toEqual({ code: 0 });
    const waves = JSON.parse(read(out, 'waves.json')) as {
      baseline: { median: number; threshold: number };
      waves: { start: string; end: string; peak_signups: number; signups: number }[];
    };
    expect(waves.baseline).toMatchObject({ median: 2, threshold: 4 });
    expect(waves.waves.map((w) => [w.start, w.end, w.peak_signups, w.signups])).toEqual([
      ['2025-01-08', '2025-01-08', 12, 12],
      ['2025-01-15', '2025-01-17', 22, 41],
      ['2025-01-22', '2025-01-22', 35, 35],
    ]);
  });

  it('authors: a01 posting twice on Jan 1 counts once', async () => {
    const out = outDir();
    expect(await runAnalyze([...base(out), '--series', 'authors'])).toEqual({ code: 0 });
    // Authors per day Jan 1..14: 2,2,3,2,2,2,2,12,2,3,2,2,2,2 → median 2, threshold 4.
    const waves = JSON.parse(read(out, 'waves.json')) as {
      waves: { start: string; peak_signups: number }[];
    };
    expect(waves.waves.map((w) => [w.start, w.peak_signups])).toEqual([
      ['2025-01-08', 12],
      ['2025-01-15', 22],
      ['2025-01-22', 35],
    ]);
    expect((await runAnalyze([...base(outDir()), '--series', 'likes'])).code).toBe(2);
  });
});

describe('retention_groups.csv', () => {
  it('one row per group and complete period, by hand', async () => {
    const out = outDir();
    expect(await runAnalyze(base(out))).toEqual({ code: 0 });
    const rows = read(out, 'retention_groups.csv').trim().split('\n');
    expect(rows[0]).toBe('group,period,cohort_size,active_users,retention,ci_low,ci_high');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 4).join(','))).toEqual([
      'before,0,30,30',
      'before,1,30,10',
      'before,2,30,0',
      'before,3,26,0',
      'before,4,11,0',
      'wave 1,0,41,41',
      'wave 1,1,41,35',
      'wave 1,2,41,0',
      'between,0,6,6',
      'between,1,6,0',
      'between,2,4,0',
    ]);
    const w1 = rows
      .find((r) => r.startsWith('wave 1,1,'))
      ?.split(',')
      .map(Number);
    expect(w1?.[4]).toBeCloseTo(35 / 41, 12);
    expect(w1?.[5]).toBeCloseTo(0.71557, 4);
    expect(w1?.[6]).toBeCloseTo(0.93116, 4);
  });
});

describe('native DuckDB and duckdb-wasm write identical files', () => {
  it.each([
    ['defaults', []],
    [
      'hour, Asia/Kolkata, filter, posts series',
      [
        '--granularity',
        'hour',
        '--tz',
        'Asia/Kolkata',
        '--filter',
        'signups.country=B',
        '--series',
        'posts',
        '--cohort',
        'day',
      ],
    ],
    [
      'month, New York',
      ['--granularity', 'month', '--tz', 'America/New_York', '--cohort', 'month'],
    ],
  ])('%s', async (_label, extra) => {
    const native = outDir();
    const wasm = outDir();
    expect(await runAnalyze([...base(native), ...extra])).toEqual({ code: 0 });
    expect(await runAnalyze([...base(wasm), ...extra, '--engine', 'wasm'])).toEqual({ code: 0 });
    const names = readdirSync(native).sort();
    expect(names).toEqual([
      'drift.csv',
      'ingest.json',
      'mix.csv',
      'retention.csv',
      'retention_groups.csv',
      'signups.csv',
      'waves.json',
    ]);
    expect(readdirSync(wasm).sort()).toEqual(names);
    for (const name of names) expect(read(wasm, name), name).toBe(read(native, name));
  });
});
