/**
 * `npm run analyze` (metrics.md contract): exit 2 on bad arguments, 1 when a required column
 * cannot be found or no row loads (one line on stderr), 0 when data loaded, with `ingest.json`
 * holding exactly the contract's keys. Expected numbers worked out by hand from the fixtures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const fx = (name: string) => path.join(REPO, 'test/fixtures/ingest', name);
const outDir = () => mkdtempSync(path.join(tmpdir(), 'surgescope-cli-'));

const SIGNUPS = fx('signups_basic.csv');
const POSTS = fx('posts_overlap_a.csv');

function expectOneLine(message: string | undefined): void {
  expect(message).toEqual(expect.any(String));
  expect(message?.trim().length).toBeGreaterThan(0);
  expect(message?.trim()).not.toMatch(/\n/);
}

describe('analyze: bad arguments exit 2', () => {
  const base = () => ['--signups', SIGNUPS, '--posts', POSTS, '--out', outDir()];
  it.each([
    ['an unknown flag', [...base(), '--bogus']],
    ['an unknown flag with a value', [...base(), '--colour=red']],
    ['a missing --out', ['--signups', SIGNUPS, '--posts', POSTS]],
    ['a nonexistent signups file', [...base(), '--signups', fx('no_such_file.csv')]],
    [
      'a nonexistent posts file',
      ['--signups', SIGNUPS, '--posts', fx('nope.csv'), '--out', outDir()],
    ],
    ['a bad --granularity', [...base(), '--granularity', 'fortnight']],
    ['a bad --tz', [...base(), '--tz', 'Mars/Olympus_Mons']],
    ['a bad --cohort', [...base(), '--cohort', 'year']],
    ['a --map to an unknown role', [...base(), '--map', 'signups.colour=Colour']],
  ])('%s', async (_label, argv) => {
    const out = argv[argv.indexOf('--out') + 1];
    const result = await runAnalyze(argv);
    expect(result.code).toBe(2);
    expectOneLine(result.message);
    if (argv.includes('--out') && out)
      expect(existsSync(path.join(out, 'ingest.json'))).toBe(false);
  });
});

describe('analyze: data problems exit 1', () => {
  it('a posts file without a category column', async () => {
    const out = outDir();
    const result = await runAnalyze([
      '--signups',
      SIGNUPS,
      '--posts',
      fx('posts_missing_category.csv'),
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expectOneLine(result.message);
    expect(result.message).toMatch(/category/);
  });

  it('no signup row loads', async () => {
    const result = await runAnalyze([
      '--signups',
      fx('signups_all_rejected.csv'),
      '--posts',
      POSTS,
      '--out',
      outDir(),
    ]);
    expect(result.code).toBe(1);
    expectOneLine(result.message);
  });

  it('as a process: exit status 1 and exactly one line on stderr', () => {
    const run = spawnSync(
      'npx',
      [
        'tsx',
        'src/cli/analyze.ts',
        '--signups',
        SIGNUPS,
        '--posts',
        fx('posts_missing_category.csv'),
        '--out',
        outDir(),
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/category/);
  });

  it('as a process: exit status 2 and one line on stderr for an unknown flag', () => {
    const run = spawnSync(
      'npx',
      [
        'tsx',
        'src/cli/analyze.ts',
        '--signups',
        SIGNUPS,
        '--posts',
        POSTS,
        '--out',
        outDir(),
        '--frobnicate',
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('analyze: a messy multi-file run exits 0', () => {
  it('writes ingest.json with exactly the contract keys and hand-counted numbers', async () => {
    const out = path.join(outDir(), 'nested', 'out');
    const result = await runAnalyze([
      '--signups',
      fx('cli/signups_members_a.csv'), // BOM, CRLF, ';'
      '--signups',
      fx('cli/signups_members_b.csv'),
      '--posts',
      fx('cli/posts_board_a.tsv'), // tab, quoted tab and newline
      '--posts',
      fx('cli/posts_board_b.csv'),
      '--map',
      'signups.user_id=Member',
      '--map',
      'signups.signup_at="Joined On"',
      '--map',
      'posts.created_at=Posted',
      '--map=posts.category=Board',
      '--out',
      out,
      '--granularity',
      'week',
      '--tz',
      'Europe/Berlin',
    ]);
    expect(result).toEqual({ code: 0 });
    const json = JSON.parse(readFileSync(path.join(out, 'ingest.json'), 'utf8')) as {
      files: Record<string, unknown>[];
    } & Record<string, unknown>;

    expect(Object.keys(json).sort()).toEqual(['authors_not_in_signups', 'dataset_end', 'files']);
    const fileKeys = [
      'duplicates',
      'file',
      'rejects',
      'rows_loaded',
      'rows_read',
      'rows_rejected',
      'table',
    ];
    for (const f of json.files) {
      expect(Object.keys(f).sort()).toEqual(fileKeys);
      for (const r of f.rejects as Record<string, unknown>[]) {
        expect(Object.keys(r).sort()).toEqual(['line', 'reason']);
        expect(r.reason).toEqual(expect.any(String));
      }
      expect(f.rows_read).toBe(
        (f.rows_loaded as number) + (f.rows_rejected as number) + (f.duplicates as number),
      );
    }
    const summary = json.files.map((f) => ({
      ...f,
      rejects: (f.rejects as { line: number }[]).map((r) => r.line),
    }));
    expect(summary).toEqual([
      // m1, m2 new; m3 (line 4) empty time; m1 again (earlier) duplicate.
      {
        file: 'signups_members_a.csv',
        table: 'signups',
        rows_read: 4,
        rows_loaded: 2,
        rows_rejected: 1,
        duplicates: 1,
        rejects: [4],
      },
      // m2 again duplicate; m4 new (epoch seconds); m5 (line 4) four fields.
      {
        file: 'signups_members_b.csv',
        table: 'signups',
        rows_read: 3,
        rows_loaded: 1,
        rows_rejected: 1,
        duplicates: 1,
        rejects: [4],
      },
      // p1, p2 (lines 3-4, empty Board), p3 loaded; p4 (line 6) unparseable time.
      {
        file: 'posts_board_a.tsv',
        table: 'posts',
        rows_read: 4,
        rows_loaded: 3,
        rows_rejected: 1,
        duplicates: 0,
        rejects: [6],
      },
      // p3 duplicate; p5 new (epoch ms 2025-01-15T12:00Z); p6 (line 4) empty author.
      {
        file: 'posts_board_b.csv',
        table: 'posts',
        rows_read: 3,
        rows_loaded: 1,
        rows_rejected: 1,
        duplicates: 1,
        rejects: [4],
      },
    ]);
    expect(json.dataset_end).toBe('2025-01-15T12:00:00Z');
    expect(json.authors_not_in_signups).toBe(2); // x9 and x8
  });
});
