/** The canonical tables. Instants are plain TIMESTAMP in UTC (no ICU needed, faster to group). */
import { sqlIdent } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';
import type { TableName } from './roles.ts';

/** Every valid signup row ever loaded, duplicates included, with its load order. */
const CREATE = [
  `CREATE TABLE IF NOT EXISTS signup_rows (user_id VARCHAR, signup_at TIMESTAMP, _file INTEGER, _row BIGINT)`,
  `CREATE TABLE IF NOT EXISTS signups (user_id VARCHAR, signup_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS posts (user_id VARCHAR, created_at TIMESTAMP, category VARCHAR, post_id VARCHAR)`,
];

/** Columns that are not segment dimensions. */
export const CORE_COLUMNS: Record<TableName, string[]> = {
  signups: ['user_id', 'signup_at'],
  posts: ['user_id', 'created_at', 'category', 'post_id'],
};

export async function ensureTables(engine: Engine): Promise<void> {
  for (const sql of CREATE) await engine.exec(sql);
}

/** Add segment columns the table does not have yet (files may carry different extras). */
export async function addSegmentColumns(
  engine: Engine,
  table: TableName,
  names: string[],
): Promise<void> {
  const targets = table === 'signups' ? ['signup_rows', 'signups'] : ['posts'];
  for (const t of targets) {
    for (const name of names) {
      await engine.exec(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${sqlIdent(name)} VARCHAR`);
    }
  }
}

/** Column names and types of a canonical table, as loaded. */
export async function tableColumns(
  engine: Engine,
  table: TableName,
): Promise<{ name: string; type: string }[]> {
  return engine.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position`,
    [table],
  );
}

/** Segment dimensions of a table: every column that is not a core column. */
export async function segmentColumns(engine: Engine, table: TableName): Promise<string[]> {
  const cols = await tableColumns(engine, table);
  return cols.map((c) => c.name).filter((n) => !CORE_COLUMNS[table].includes(n));
}
