/**
 * The canonical tables. Instants are plain TIMESTAMP in UTC (no ICU needed, faster to group).
 *
 * - `signups`, `posts`: the rows that count, one per user / per post id. `_file` and `_row` say
 *   where each row came from (the file's id and the record's 0-based ordinal among the records
 *   the CSV reader accepted), so a file can be removed and its lines found again.
 * - `signup_dups`, `post_dups`: rows that repeat an id already loaded. They stay so that removing
 *   a file can bring back the copy it shadowed, and so duplicates can be inspected.
 * - `signups._own_at`: the row's own time when an earlier duplicate lowered `signup_at` (the user
 *   keeps the earliest time), so removing that duplicate's file restores it.
 * - `files`: one row per loaded file with its report; `rejects`: the listed rejected records;
 *   `line_maps`: where the physical line numbering of a file departs from its record ordinals.
 */
import { OWN_TABLES, sqlIdent, sqlString } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';
import type { TableName } from './roles.ts';

export const DATA_TABLES = {
  signups: { kept: 'signups', dups: 'signup_dups', time: 'signup_at', key: 'user_id' },
  posts: { kept: 'posts', dups: 'post_dups', time: 'created_at', key: 'post_id' },
} as const;

const CREATE = [
  `CREATE TABLE IF NOT EXISTS files (file_id USMALLINT, name VARCHAR, tbl VARCHAR, size BIGINT,
    digest VARCHAR, report VARCHAR, loaded_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS signups (user_id VARCHAR, signup_at TIMESTAMP, _own_at TIMESTAMP,
    _file USMALLINT, _row UINTEGER)`,
  `CREATE TABLE IF NOT EXISTS signup_dups (user_id VARCHAR, signup_at TIMESTAMP, _own_at TIMESTAMP,
    _file USMALLINT, _row UINTEGER)`,
  `CREATE TABLE IF NOT EXISTS posts (user_id VARCHAR, created_at TIMESTAMP, category VARCHAR,
    post_id VARCHAR, _file USMALLINT, _row UINTEGER)`,
  `CREATE TABLE IF NOT EXISTS post_dups (user_id VARCHAR, created_at TIMESTAMP, category VARCHAR,
    post_id VARCHAR, _file USMALLINT, _row UINTEGER)`,
  `CREATE TABLE IF NOT EXISTS rejects (file_id USMALLINT, line UBIGINT, reason VARCHAR, text VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS line_maps (file_id USMALLINT, ordinal UINTEGER, line UBIGINT)`,
];

/** Columns that are not segment dimensions (internal ones start with `_`). */
export const CORE_COLUMNS: Record<TableName, string[]> = {
  signups: ['user_id', 'signup_at'],
  posts: ['user_id', 'created_at', 'category', 'post_id'],
};

export async function ensureTables(engine: Engine): Promise<void> {
  for (const sql of CREATE) await engine.exec(sql);
}

/**
 * Drop every table: loaded data, bookkeeping and derived tables (cubes); not the app's settings,
 * nor tables whose name starts with `keep` (a replace's earlier data, set aside).
 */
export async function dropAllTables(engine: Engine, keep?: string): Promise<void> {
  const rows = await engine.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE ${OWN_TABLES} AND table_name <> 'app_state'
      ${keep ? `AND NOT starts_with(table_name, ${sqlString(keep)})` : ''}`,
  );
  for (const r of rows) await engine.exec(`DROP TABLE IF EXISTS ${sqlIdent(r.name)}`);
}

/**
 * Most segment columns a table keeps. Every segment column is stored for every row of its table
 * (a row from a file without it holds NULL, which still costs about 7 bytes a row in DuckDB's
 * in-memory tables), and adding one is an ALTER TABLE whose cost grows with the columns already
 * there: a file that would take a table past this is refused, with a message saying so.
 */
export const MAX_SEGMENT_COLUMNS = 64;

/**
 * Add segment columns the tables do not have yet (files may carry different extras). Returns
 * the names added, so that a load that fails can take them out again.
 */
export async function addSegmentColumns(
  engine: Engine,
  table: TableName,
  names: readonly string[],
): Promise<string[]> {
  const { kept, dups } = DATA_TABLES[table];
  const have = new Set(await segmentColumns(engine, table));
  const added: string[] = [];
  for (const name of names) {
    if (have.has(name)) continue;
    for (const t of [kept, dups])
      await engine.exec(`ALTER TABLE ${t} ADD COLUMN ${sqlIdent(name)} VARCHAR`);
    have.add(name);
    added.push(name);
  }
  return added;
}

/** Take out segment columns a failed load added (no other file has a value in them). */
export async function dropSegmentColumns(
  engine: Engine,
  table: TableName,
  names: readonly string[],
): Promise<void> {
  const { kept, dups } = DATA_TABLES[table];
  for (const name of names)
    for (const t of [kept, dups])
      await engine.exec(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${sqlIdent(name)}`);
}

/** Column names and types of a canonical table, as loaded. */
export async function tableColumns(
  engine: Engine,
  table: string,
): Promise<{ name: string; type: string }[]> {
  if (engine.dialect === 'clickhouse')
    return engine.query<{ name: string; type: string }>(
      'SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ?',
      [table],
    );
  return engine.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_name = ? AND ${OWN_TABLES} ORDER BY ordinal_position`,
    [table],
  );
}

/** Segment dimensions of a table: every column that is neither a core nor an internal one. */
export async function segmentColumns(engine: Engine, table: TableName): Promise<string[]> {
  const cols = await tableColumns(engine, DATA_TABLES[table].kept);
  return cols
    .map((c) => c.name)
    .filter((n) => !CORE_COLUMNS[table].includes(n) && !n.startsWith('_'));
}

/**
 * Take a file's rows out of its table and its duplicates (a load that failed after its rows
 * were committed), and any rows no recorded file owns (left by a tab closed mid-load).
 */
export async function dropFileRows(
  engine: Engine,
  table: TableName,
  fileId: number,
): Promise<void> {
  const { kept, dups } = DATA_TABLES[table];
  for (const t of [kept, dups]) await engine.exec(`DELETE FROM ${t} WHERE _file = ${fileId}`);
}

/** The next free file id (ids of removed files are not reused while others remain). */
export async function nextFileId(engine: Engine): Promise<number> {
  const rows = await engine.query<{ n: number }>(
    'SELECT CAST(coalesce(max(file_id), 0) + 1 AS INTEGER) AS n FROM files',
  );
  const n = rows[0]?.n ?? 1;
  if (n > 65_000) throw new Error('Too many files loaded: clear the data and load them again.');
  return n;
}
