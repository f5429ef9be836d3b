/**
 * One wide file must not break the loads after it (issue: a 2,000-column file made every later
 * file read as empty in duckdb-wasm, and peaked at 2.35 GB). A table keeps at most
 * MAX_SEGMENT_COLUMNS segment columns: a file that would pass it is refused, saying so, before
 * the engine reads it; with its extra columns ignored it loads, and the reader only reads the
 * columns it keeps. And a load that fails halfway leaves the engine as it was: tables, columns,
 * temporary tables and settings. Both engines (native DuckDB and duckdb-wasm).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { NodeEngineKind } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import type { IngestItem } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import { MAX_SEGMENT_COLUMNS } from '../../src/ingest/tables.ts';
import { expectAccounting, expectFile, fixture } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'surgescope-wide-'));

/** A signup export with `columns` columns (user id and time first) and `rows` rows. */
function wideFile(columns: number, rows: number): { path: string; headers: string[] } {
  const headers = [
    'user_id',
    'signup_at',
    ...Array.from({ length: columns - 2 }, (_, i) => `col${i}`),
  ];
  const lines = [headers.join(',')];
  for (let r = 0; r < rows; r++)
    lines.push(
      [
        `w${r}`,
        `2025-01-0${(r % 9) + 1}T00:00:00Z`,
        ...headers.slice(2).map((_, i) => String((r + i) % 10)),
      ].join(','),
    );
  const file = path.join(dir, `wide_${columns}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return { path: file, headers };
}

const WIDE = wideFile(2000, 10);
const FOLLOWERS = ['signups_basic.csv', 'signups_synonyms.csv', 'posts_overlap_a.csv'];

function open(kind: NodeEngineKind): Promise<Engine> {
  return openNodeEngine({ engine: kind, allowedPaths: [WIDE.path, ...FOLLOWERS.map(fixture)] });
}

/** Everything a load could leave behind: every table and column (temporary ones included), the rows, the settings. */
async function engineState(engine: Engine) {
  const columns = await engine.query(
    `SELECT database_name, schema_name, table_name, column_name, data_type FROM duckdb_columns()
     WHERE NOT internal ORDER BY ALL`,
  );
  const tables = await engine.query<{ name: string }>(
    `SELECT DISTINCT table_name AS name FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const rows = await engine.query<{ n: number }>(
      `SELECT CAST(count(*) AS BIGINT) AS n FROM "${t.name}"`,
    );
    counts[t.name] = rows[0]?.n ?? -1;
  }
  const settings = await engine.query(
    `SELECT name, value FROM duckdb_settings() WHERE name NOT IN ('memory_limit', 'threads') ORDER BY name`,
  );
  return { columns, counts, settings };
}

const followers = (): IngestItem[] => [
  { input: pathInput(fixture('signups_basic.csv')), options: { table: 'signups' } },
  { input: pathInput(fixture('signups_synonyms.csv')), options: { table: 'signups' } },
  { input: pathInput(fixture('posts_overlap_a.csv')), options: { table: 'posts' } },
];

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe.each<[NodeEngineKind]>([['native'], ['wasm']])('a 2,000-column file (%s)', (kind) => {
  it('is refused at once with the limit named, and the files after it load in full', async () => {
    engine = await open(kind);
    await ingestFiles(engine, []);
    const before = await engineState(engine);
    const started = Date.now();
    const r = await ingestFiles(engine, [
      { input: pathInput(WIDE.path), options: { table: 'signups' } },
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    const wide = r.files[0];
    expect(wide?.errorKind).toBe('columns');
    expect(wide?.error).toMatch(/Too many columns: this file has 2,000/);
    expect(wide?.error).toContain(`at most ${MAX_SEGMENT_COLUMNS} per table`);
    expect(wide?.rows_loaded).toBe(0);
    // Nothing of it in the engine but its line in the files table.
    const after = await engineState(engine);
    expect(after.columns).toEqual(before.columns);
    expect(after.settings).toEqual(before.settings);
    expect(after.counts).toEqual({ ...before.counts, files: 1 });

    const next = await ingestFiles(engine, followers());
    expectAccounting(next);
    expectFile(next.files[1], {
      table: 'signups',
      read: 2,
      loaded: 2,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expect(next.files[2]?.rows_read).toBeGreaterThan(0);
    expect(next.files[2]?.error).toBeUndefined();
    expectFile(next.files[3], {
      table: 'posts',
      read: 5,
      loaded: 3,
      rejected: 1,
      duplicates: 1,
      lines: [6],
    });
  });

  it('with its extra columns ignored it loads, and so does the next file', async () => {
    engine = await open(kind);
    const kept = WIDE.headers.slice(2, 6);
    const r = await ingestFiles(engine, [
      {
        input: pathInput(WIDE.path),
        options: { table: 'signups', ignored: WIDE.headers.slice(6) },
      },
      ...followers(),
    ]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'signups',
      read: 10,
      loaded: 10,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    const cols = await engine.query<{ c: string }>(
      "SELECT column_name AS c FROM duckdb_columns() WHERE table_name = 'signups' AND column_name LIKE 'col%' ORDER BY column_index",
    );
    expect(cols.map((c) => c.c)).toEqual(kept);
    const w3 = await engine.query(
      "SELECT col0, col1, col2, col3 FROM signups WHERE user_id = 'w3'",
    );
    expect(w3).toEqual([{ col0: '3', col1: '4', col2: '5', col3: '6' }]);
    expect(r.files.slice(1).every((f) => f.rows_loaded > 0)).toBe(true);
  });
});

describe('the limit counts the columns a table already has', () => {
  it('two files whose columns together pass the limit: the second is refused', async () => {
    engine = await openNodeEngine();
    const half = Math.floor(MAX_SEGMENT_COLUMNS / 2) + 1;
    const file = (tag: string) => {
      const headers = [
        'user_id',
        'signup_at',
        ...Array.from({ length: half }, (_, i) => `${tag}${i}`),
      ];
      const row = ['u', '2025-01-01T00:00:00Z', ...Array.from({ length: half }, () => 'x')];
      return bufferInput(`${tag}.csv`, `${headers.join(',')}\n${row.join(',')}\n`);
    };
    const r = await ingestFiles(engine, [{ input: file('a') }, { input: file('b') }]);
    expect(r.files[0]?.rows_loaded).toBe(1);
    expect(r.files[1]?.error).toMatch(
      new RegExp(`${2 * half} segment columns \\(${half} are already loaded\\)`),
    );
    // Up to the limit is fine: the columns a file shares with the table do not count twice.
    const again = await ingestFiles(engine, [{ input: file('a') }]);
    expect(again.files[2]?.error).toBeUndefined();
    expect(again.files[2]?.duplicates).toBe(1);
  });
});

/** An engine whose statements fail once one of them matches `failOn` (a fault injected mid-load). */
function failing(inner: Engine, failOn: RegExp): Engine & { armed: boolean } {
  const wrapped = Object.create(inner) as Engine & { armed: boolean };
  wrapped.armed = true;
  const trip = (sql: string) => {
    if (wrapped.armed && failOn.test(sql)) throw new Error('injected failure');
  };
  wrapped.exec = async (sql, options) => {
    trip(sql);
    return inner.exec(sql, options);
  };
  wrapped.query = async (sql, params, options) => {
    trip(sql);
    return inner.query(sql, params, options);
  };
  return wrapped;
}

describe.each<[NodeEngineKind]>([['native'], ['wasm']])(
  'a load that fails halfway (%s)',
  (kind) => {
    it.each([
      ['while reading (first transaction)', /^\s*INSERT INTO signups \(/],
      ['while deduping (after the rows were committed)', /TEMP TABLE _repeats/],
      ['while recording the line map', /INSERT INTO line_maps/],
    ])('%s: the engine is as it was, and the next file reads normally', async (_label, failOn) => {
      engine = await open(kind);
      await ingestFiles(engine, [
        { input: pathInput(fixture('signups_basic.csv')), options: { table: 'signups' } },
      ]);
      const before = await engineState(engine);
      const bad = failing(engine, failOn);
      // A file with new segment columns (Referral Source): they must go with its rows.
      const r = await ingestFiles(bad, [
        { input: pathInput(fixture('signups_synonyms.csv')), options: { table: 'signups' } },
      ]);
      const f = r.files[1];
      expect(f?.errorKind).toBe('unreadable');
      expect(f?.error).toMatch(/injected failure/);
      expect(f?.rows_loaded).toBe(0);
      const after = await engineState(engine);
      expect(after.columns).toEqual(before.columns);
      expect(after.settings).toEqual(before.settings);
      // Only the refused file's report line was added.
      expect(after.counts).toEqual({ ...before.counts, files: before.counts.files! + 1 });

      bad.armed = false;
      const next = await ingestFiles(bad, [
        { input: pathInput(fixture('signups_synonyms.csv')), options: { table: 'signups' } },
      ]);
      expectAccounting(next);
      expect(next.files[2]?.error).toBeUndefined();
      expect(next.files[2]?.rows_loaded).toBeGreaterThan(0);
      expect(next.files[2]?.rows_loaded).toBe(next.files[2]?.rows_read);
    });

    it('a header-only file with new columns adds none', async () => {
      engine = await open(kind);
      await ingestFiles(engine, [
        { input: pathInput(fixture('signups_basic.csv')), options: { table: 'signups' } },
      ]);
      const before = await engineState(engine);
      const r = await ingestFiles(engine, [
        { input: bufferInput('empty.csv', 'user_id,signup_at,planet,moon\n') },
      ]);
      expect(r.files[1]?.errorKind).toBe('no-rows');
      const after = await engineState(engine);
      expect(after.columns).toEqual(before.columns);
    });
  },
);
