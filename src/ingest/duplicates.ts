/**
 * Duplicates, for people to inspect: each repeated row of a file with its physical line, the id
 * it repeats, and the file and line of the row kept instead. Lines come from the stored line
 * maps (ordinal → physical line), so the original files are not needed.
 */
import type { Engine } from '../db/engine.ts';
import type { TableName } from './roles.ts';
import { DATA_TABLES } from './tables.ts';

export interface DuplicateRow {
  line: number;
  key: string;
  kept_file: string | null;
  kept_line: number | null;
}

/** A file's duplicates in line order (at most `limit`). */
export async function duplicateRows(
  engine: Engine,
  table: TableName,
  fileId: number,
  limit = 10_000,
): Promise<DuplicateRow[]> {
  const { kept, dups, key } = DATA_TABLES[table];
  return engine.query<DuplicateRow & Record<string, unknown>>(
    `WITH d AS (SELECT ${key} AS k, _file, _row FROM ${dups} WHERE _file = ${fileId} ORDER BY _row LIMIT ${Math.max(1, Math.floor(limit))}),
      dl AS (SELECT d.k, CAST(m.line + (d._row - m.ordinal) AS BIGINT) AS line
        FROM d ASOF JOIN line_maps m ON m.file_id = d._file AND d._row >= m.ordinal),
      k AS (SELECT ${key} AS k, _file, _row FROM ${kept} WHERE ${key} IN (SELECT k FROM d)),
      kl AS (SELECT k.k, k._file, CAST(m.line + (k._row - m.ordinal) AS BIGINT) AS line
        FROM k ASOF JOIN line_maps m ON m.file_id = k._file AND k._row >= m.ordinal)
    SELECT dl.line, dl.k AS key, f.name AS kept_file, kl.line AS kept_line
    FROM dl LEFT JOIN kl ON kl.k = dl.k LEFT JOIN files f ON f.file_id = kl._file
    ORDER BY dl.line`,
  );
}
