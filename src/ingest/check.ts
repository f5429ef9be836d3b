/**
 * Check: the staged records that are not valid rows (wrong number of fields, empty user id, a
 * time that is empty or cannot be parsed: the stage gives them a NULL time) are found by their
 * ordinal and taken out of the table. Their reasons come later, from the located record text.
 */
import type { Engine } from '../db/engine.ts';
import type { TableName } from './roles.ts';
import { DATA_TABLES } from './tables.ts';

/** Ordinals of the file's invalid records, in file order; they are deleted from the table. */
export async function takeInvalid(
  engine: Engine,
  table: TableName,
  fileId: number,
): Promise<number[]> {
  const { kept, time } = DATA_TABLES[table];
  const where = `_file = ${fileId} AND (${time} IS NULL OR user_id IS NULL OR user_id = '')`;
  const rows = await engine.query<{ r: number }>(
    `SELECT CAST(_row AS BIGINT) AS r FROM ${kept} WHERE ${where} ORDER BY _row`,
  );
  if (rows.length > 0) await engine.exec(`DELETE FROM ${kept} WHERE ${where}`);
  return rows.map((r) => r.r);
}

/**
 * Delete records by ordinal: ones the line scan found malformed (the last one when its quote
 * never closes, any with text after a closing quote).
 */
export async function deleteRecords(
  engine: Engine,
  table: TableName,
  fileId: number,
  ordinals: readonly number[],
): Promise<void> {
  if (ordinals.length === 0) return;
  await engine.exec(
    `DELETE FROM ${DATA_TABLES[table].kept} WHERE _file = ${fileId} AND _row IN (${ordinals.join(', ')})`,
  );
}
