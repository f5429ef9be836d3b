/**
 * Dedupe, incrementally: only the rows of the file just staged can repeat an id (everything
 * loaded before is unique already). A row repeats when its id is kept from an earlier file, or
 * appears earlier in the same file. Repeats move to the `*_dups` table; for signups the kept row
 * takes the earliest plausible time of all its copies (plausible.ts; the earliest time when none
 * is plausible), and its own time stays in `_own_at`.
 */
import type { Engine } from '../db/engine.ts';
import type { TableName } from './roles.ts';
import { plausibleSql } from './plausible.ts';
import { DATA_TABLES } from './tables.ts';

/** The temporary table of one file's repeats (dropped after use, and after a failed load). */
export const REPEATS_TABLE = '_repeats';

/** SQL selecting `_row` of the file's rows that repeat an id (see the module comment). */
export function repeatsSql(table: TableName, fileId: number, earlierRows: boolean): string {
  const { kept, key } = DATA_TABLES[table];
  const mine = `SELECT ${key} AS k, _row FROM ${kept} WHERE _file = ${fileId} AND ${key} IS NOT NULL`;
  const within = `SELECT f._row FROM (${mine}) f
    JOIN (SELECT k, min(_row) AS r0 FROM (${mine}) GROUP BY k HAVING count(*) > 1) w USING (k)
    WHERE f._row > w.r0`;
  if (!earlierRows) return within;
  const across = `SELECT _row FROM (${mine}) f
    WHERE f.k IN (SELECT ${key} FROM ${kept} WHERE _file <> ${fileId} AND ${key} IS NOT NULL)`;
  return `${within} UNION ${across}`;
}

/** Move the file's repeats out of the table; returns how many there were. */
export async function dedupeFile(
  engine: Engine,
  table: TableName,
  fileId: number,
): Promise<number> {
  const { kept, dups, time } = DATA_TABLES[table];
  const earlier =
    ((
      await engine.query<{ n: number }>(
        `SELECT CAST(count(*) AS BIGINT) AS n FROM (SELECT 1 FROM ${kept} WHERE _file <> ${fileId} LIMIT 1)`,
      )
    )[0]?.n ?? 0) > 0;
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${REPEATS_TABLE} AS ${repeatsSql(table, fileId, earlier)}`,
  );
  const n =
    (
      await engine.query<{ n: number }>(
        `SELECT CAST(count(*) AS BIGINT) AS n FROM ${REPEATS_TABLE}`,
      )
    )[0]?.n ?? 0;
  if (n > 0) {
    const these = `_file = ${fileId} AND _row IN (SELECT _row FROM ${REPEATS_TABLE})`;
    await engine.exec(`INSERT INTO ${dups} BY NAME SELECT * FROM ${kept} WHERE ${these}`);
    await engine.exec(`DELETE FROM ${kept} WHERE ${these}`);
    if (table === 'signups') {
      // The earliest plausible time of the user's copies wins; an implausible one (a sentinel
      // such as 1970-01-01) only when no copy has a plausible time.
      const k = `${kept}.${time}`;
      const best = `CASE WHEN ${plausibleSql(k)} THEN least(${k}, coalesce(d.mp, ${k}))
        ELSE coalesce(d.mp, least(${k}, d.m)) END`;
      await engine.exec(`UPDATE ${kept} SET _own_at = coalesce(${kept}._own_at, ${k}), ${time} = ${best}
        FROM (SELECT user_id, min(${time}) AS m, min(${time}) FILTER (WHERE ${plausibleSql(time)}) AS mp
          FROM ${dups} WHERE _file = ${fileId} GROUP BY user_id) d
        WHERE ${kept}.user_id = d.user_id AND ${best} <> ${k}`);
    }
  }
  await engine.exec(`DROP TABLE IF EXISTS ${REPEATS_TABLE}`);
  return n;
}
