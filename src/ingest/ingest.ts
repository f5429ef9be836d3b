/** Load several files in the order given, replace or add to what is loaded, remove a file. */
import type { Engine } from '../db/engine.ts';
import type { InputFile } from './input-file.ts';
import { loadFile } from './load.ts';
import type { FileOptions, LoadOptions } from './load.ts';
import { readReport } from './report.ts';
import type { FileReport, IngestReport } from './report.ts';
import { DATA_TABLES, dropAllTables, ensureTables, segmentColumns } from './tables.ts';
import type { TableName } from './roles.ts';
import { OWN_TABLES, sqlIdent, sqlString } from '../db/engine.ts';
import { plausibleSql } from './plausible.ts';

export interface IngestItem {
  input: InputFile;
  options?: FileOptions;
}

/**
 * Load files in order (signups first, when posts should be grouped by their authors) and read
 * back the report of everything now loaded. `replace` clears the data first.
 */
export async function ingestFiles(
  engine: Engine,
  items: readonly IngestItem[],
  options: LoadOptions & { replace?: boolean } = {},
): Promise<IngestReport> {
  const before = options.replace ? await setAside(engine) : [];
  try {
    await ensureTables(engine);
    for (const [index, item] of items.entries()) {
      await loadFile(engine, item.input, item.options, { ...options, index, total: items.length });
    }
  } catch (err) {
    // A replace that was cancelled or failed puts the earlier data back as it was.
    if (options.replace) await putBack(engine, before);
    throw err;
  }
  for (const t of before) await engine.exec(`DROP TABLE IF EXISTS ${sqlIdent(ASIDE + t)}`);
  return readReport(engine);
}

const ASIDE = '_before_';

/** Every table a replace clears (not the app's settings), renamed out of the way. */
async function setAside(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE ${OWN_TABLES}
      AND table_type = 'BASE TABLE' AND table_name <> 'app_state'
      AND NOT starts_with(table_name, '${ASIDE}')`,
  );
  const names = rows.map((r) => r.name);
  for (const t of names) {
    await engine.exec(`DROP TABLE IF EXISTS ${sqlIdent(ASIDE + t)}`);
    await engine.exec(`ALTER TABLE ${sqlIdent(t)} RENAME TO ${sqlIdent(ASIDE + t)}`);
  }
  return names;
}

/** Drop what a cancelled replace loaded and rename the tables set aside back. */
async function putBack(engine: Engine, names: readonly string[]): Promise<void> {
  await dropAllTables(engine, ASIDE);
  for (const t of names)
    await engine.exec(`ALTER TABLE ${sqlIdent(ASIDE + t)} RENAME TO ${sqlIdent(t)}`);
}

/** Forget everything loaded. */
export async function clearData(engine: Engine): Promise<void> {
  await dropAllTables(engine);
  await ensureTables(engine);
}

/**
 * Remove a loaded file: its rows and its accounting go, and every id it shared with other files
 * is deduped again over what remains (the first copy by load order stays; a signup keeps the
 * earliest time of its remaining copies).
 */
export async function removeFile(engine: Engine, fileId: number): Promise<void> {
  await ensureTables(engine);
  const rows = await engine.query<{ tbl: string | null }>(
    `SELECT tbl FROM files WHERE file_id = ${fileId}`,
  );
  const table = rows[0]?.tbl as TableName | null | undefined;
  await engine.exec('BEGIN TRANSACTION');
  try {
    if (table === 'signups' || table === 'posts') await redupe(engine, table, fileId);
    for (const t of ['files', 'rejects', 'line_maps'])
      await engine.exec(`DELETE FROM ${t} WHERE file_id = ${fileId}`);
    if (table === 'signups' || table === 'posts') await recount(engine, table);
    await engine.exec('COMMIT');
  } catch (err) {
    await engine.exec('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await engine.exec('DROP TABLE IF EXISTS _pool; DROP TABLE IF EXISTS _touched;').catch(() => {});
  }
}

/**
 * Every remaining file of a table counts again what it loaded and what it repeated: an id a
 * removed file had first now belongs to the next file that has it.
 */
async function recount(engine: Engine, table: TableName): Promise<void> {
  const { kept, dups } = DATA_TABLES[table];
  const rows = await engine.query<{ file_id: number; report: string; kept: number; dups: number }>(
    `SELECT CAST(f.file_id AS INTEGER) AS file_id, f.report,
      CAST((SELECT count(*) FROM ${kept} WHERE _file = f.file_id) AS BIGINT) AS kept,
      CAST((SELECT count(*) FROM ${dups} WHERE _file = f.file_id) AS BIGINT) AS dups
    FROM files f WHERE f.tbl = ?`,
    [table],
  );
  for (const r of rows) {
    const report = JSON.parse(r.report) as FileReport;
    if (report.error) continue;
    report.rows_loaded = r.kept;
    report.duplicates = r.dups;
    await engine.exec(
      `UPDATE files SET report = ${sqlString(JSON.stringify(report))} WHERE file_id = ${r.file_id}`,
    );
  }
}

/** Drop a file's rows and rebuild the kept/duplicate split of the ids it touched. */
async function redupe(engine: Engine, table: TableName, fileId: number): Promise<void> {
  const { kept, dups, key, time } = DATA_TABLES[table];
  const segs = (await segmentColumns(engine, table)).map(sqlIdent);
  const extra = table === 'posts' ? ['category'] : [];
  // The pool: every remaining copy of an id the file touched, with its own time.
  const own = table === 'signups' ? `coalesce(_own_at, ${time})` : time;
  const cols = ['user_id', key === 'user_id' ? null : key, ...extra, ...segs, '_file', '_row']
    .filter((c): c is string => c !== null)
    .join(', ');
  await engine.exec(`CREATE OR REPLACE TEMP TABLE _touched AS
    SELECT DISTINCT ${key} AS k FROM ${kept} WHERE _file = ${fileId} AND ${key} IS NOT NULL
    UNION SELECT ${key} FROM ${dups} WHERE _file = ${fileId}`);
  await engine.exec(`CREATE OR REPLACE TEMP TABLE _pool AS
    SELECT ${cols}, ${own} AS _t FROM ${kept} WHERE ${key} IN (SELECT k FROM _touched) AND _file <> ${fileId}
    UNION ALL
    SELECT ${cols}, ${own} FROM ${dups} WHERE ${key} IN (SELECT k FROM _touched) AND _file <> ${fileId}`);
  await engine.exec(
    `DELETE FROM ${kept} WHERE _file = ${fileId} OR ${key} IN (SELECT k FROM _touched)`,
  );
  await engine.exec(
    `DELETE FROM ${dups} WHERE _file = ${fileId} OR ${key} IN (SELECT k FROM _touched)`,
  );
  // A signup keeps the earliest plausible time of its copies (the earliest, when none is).
  const ranked = `SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY _file, _row) AS _k,
      coalesce(min(_t) FILTER (WHERE ${plausibleSql('_t')}) OVER (PARTITION BY ${key}),
        min(_t) OVER (PARTITION BY ${key})) AS _min FROM _pool`;
  const keptTime =
    table === 'signups'
      ? `_min AS ${time}, CASE WHEN _min <> _t THEN _t END AS _own_at`
      : `_t AS ${time}`;
  await engine.exec(
    `INSERT INTO ${kept} BY NAME SELECT ${cols}, ${keptTime} FROM (${ranked}) WHERE _k = 1`,
  );
  await engine.exec(
    `INSERT INTO ${dups} BY NAME SELECT ${cols}, _t AS ${time} FROM (${ranked}) WHERE _k > 1`,
  );
  await engine.exec('DROP TABLE IF EXISTS _pool; DROP TABLE IF EXISTS _touched;');
}
