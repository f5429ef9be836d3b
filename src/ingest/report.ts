/**
 * The ingest report: per file, rows_read = rows_loaded + rows_rejected + duplicates. Each file's
 * report, its listed rejects and its line map are stored next to the data (tables.ts), so the
 * report can be read back whenever the data is (after a reload, after a file is removed).
 */
import { sqlString } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';
import type { ScanResult } from './record-scan.ts';
import type { TableName } from './roles.ts';
import { PLAUSIBLE_RANGE_TEXT, implausibleSql, plausibleSql } from './plausible.ts';
import { DATA_TABLES } from './tables.ts';

export interface RejectedRow {
  /** 1-based physical line on which the record starts (the header is line 1). */
  line: number;
  reason: string;
  /** The record's text (cut to a couple of thousand characters). */
  raw?: string;
}

export interface FileReport {
  /** The file's id in the stored data (absent only before it was recorded). */
  file_id?: number;
  file: string;
  table: TableName | null;
  /** Bytes. */
  size?: number;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  duplicates: number;
  rejects: RejectedRow[];
  /** Rejects beyond the kept detail (counted in rows_rejected, not listed). */
  rejects_not_listed: number;
  /** Set when the file could not serve its table; nothing of it was loaded. */
  error?: string;
  /**
   * What kind of failure: the columns cannot serve the table (or are too many), the encoding is
   * not one Surgescope reads, no record is loadable, or the file could not be read.
   */
  errorKind?: 'columns' | 'encoding' | 'no-rows' | 'unreadable';
  /** The encoding the file was converted from, in words, when it was not UTF-8. */
  encoding?: string;
  /**
   * Rows loaded (or counted as duplicates) whose timestamp lies outside the plausible range
   * (plausible.ts): kept, and left out of the analyses. `lines`: the first of them.
   */
  implausible?: { rows: number; lines: number[] };
  /** Header → role, `segment:<name>` or `ignored`: the mapping used. */
  columns?: { header: string; role: string }[];
  delimiter?: string;
  /** The timestamp format detected, in words. */
  timestampFormat?: string;
  /** Zone naive timestamps were read in. */
  timeZone?: string;
  /** First and last timestamp loaded from this file (ISO 8601, UTC). */
  first?: string | null;
  last?: string | null;
}

export interface IngestReport {
  files: FileReport[];
  /** Latest plausible instant loaded (ISO 8601, UTC), or null when there is none. */
  dataset_end: string | null;
  /** Earliest plausible instant loaded (ISO 8601, UTC), or null when there is none. */
  dataset_start: string | null;
  /**
   * Loaded rows whose timestamp is implausible (left out of the analyses), per table (absent
   * from summaries stored before it was counted).
   */
  implausible?: { signups: number; posts: number };
  /** Distinct post authors missing from the signup export. */
  authors_not_in_signups: number;
  /** Posts by those authors. */
  posts_by_unknown_authors: number;
  /** Posts created before their author's signup. */
  posts_before_signup: number;
  signups: number;
  posts: number;
}

const ISO = `'%Y-%m-%dT%H:%M:%S.%gZ'`;
/** An instant as ISO 8601 UTC, milliseconds only when present. */
export const isoSql = (expr: string) =>
  `CASE WHEN epoch_ms(${expr}) % 1000 = 0 THEN strftime(${expr}, '%Y-%m-%dT%H:%M:%SZ') ELSE strftime(${expr}, ${ISO}) END`;

/** First and last timestamp the file contributed. */
export async function fileSpan(
  engine: Engine,
  table: TableName,
  fileId: number,
): Promise<{ first: string | null; last: string | null }> {
  const { kept, dups, time } = DATA_TABLES[table];
  const rows = await engine.query<{ first: string | null; last: string | null }>(
    `SELECT ${isoSql('min(t)')} AS first, ${isoSql('max(t)')} AS last FROM (
      SELECT min(${time}) AS t FROM ${kept} WHERE _file = ${fileId}
      UNION ALL SELECT max(${time}) FROM ${kept} WHERE _file = ${fileId}
      UNION ALL SELECT min(${time}) FROM ${dups} WHERE _file = ${fileId}
      UNION ALL SELECT max(${time}) FROM ${dups} WHERE _file = ${fileId})`,
  );
  return { first: rows[0]?.first ?? null, last: rows[0]?.last ?? null };
}

/**
 * How many of the file's rows (kept or duplicate) have an implausible timestamp of their own,
 * and the ordinals of the first `limit` of them.
 */
export async function implausibleRows(
  engine: Engine,
  table: TableName,
  fileId: number,
  limit: number,
): Promise<{ rows: number; ordinals: number[] }> {
  const { kept, dups, time } = DATA_TABLES[table];
  const own = table === 'signups' ? `coalesce(_own_at, ${time})` : time;
  const found = await engine.query<{ r: number; n: number }>(
    `SELECT CAST(_row AS BIGINT) AS r, CAST(count(*) OVER () AS BIGINT) AS n FROM (
      SELECT _row, ${own} AS t FROM ${kept} WHERE _file = ${fileId}
      UNION ALL SELECT _row, ${time} FROM ${dups} WHERE _file = ${fileId})
    WHERE ${implausibleSql('t')} ORDER BY _row LIMIT ${limit}`,
  );
  return { rows: found[0]?.n ?? 0, ordinals: found.map((f) => f.r) };
}

const CHUNK = 2000;

/** Store a file's report, listed rejects and line map (inside the file's transaction). */
export async function recordFile(
  engine: Engine,
  fileId: number,
  report: FileReport,
  lineMap: ScanResult['lineMap'] | null,
): Promise<void> {
  const { rejects, ...rest } = report;
  await engine.exec(`DELETE FROM files WHERE file_id = ${fileId}`);
  await engine.exec(
    `INSERT INTO files VALUES (${fileId}, ${sqlString(report.file)}, ${report.table ? sqlString(report.table) : 'NULL'},
      ${report.size ?? 0}, NULL, ${sqlString(JSON.stringify(rest))}, now()::TIMESTAMP)`,
  );
  for (let i = 0; i < rejects.length; i += CHUNK) {
    const values = rejects
      .slice(i, i + CHUNK)
      .map(
        (r) =>
          `(${fileId}, ${r.line}, ${sqlString(r.reason)}, ${r.raw === undefined ? 'NULL' : sqlString(r.raw)})`,
      );
    await engine.exec(`INSERT INTO rejects VALUES ${values.join(', ')}`);
  }
  if (lineMap && lineMap.ordinals.length > 0) {
    // A file can have many breakpoints (every multi-line record is one): read them as a CSV
    // buffer rather than through a long SQL literal.
    const lines: string[] = [];
    for (let i = 0; i < lineMap.ordinals.length; i++)
      lines.push(`${lineMap.ordinals[i]},${lineMap.lines[i]}`);
    const path = await engine.registerFile(`line-map-${fileId}.csv`, {
      kind: 'buffer',
      bytes: new TextEncoder().encode(lines.join('\n') + '\n'),
    });
    try {
      await engine.exec(`INSERT INTO line_maps SELECT ${fileId}, o, l FROM read_csv(${sqlString(path)},
        header = false, auto_detect = false, columns = {'o': 'UINTEGER', 'l': 'UBIGINT'})`);
    } finally {
      await engine.dropFile(path);
    }
  }
}

/**
 * Dataset-wide facts: the data's ends (over plausible instants: implausible ones are left out
 * of the analyses) and the authors missing from the signup export.
 */
export async function summarise(engine: Engine): Promise<Omit<IngestReport, 'files'>> {
  const rows = await engine.query<{
    dataset_end: string | null;
    dataset_start: string | null;
    authors: number;
    unknown_posts: number;
    before: number;
    signups: number;
    posts: number;
    bad_signups: number;
    bad_posts: number;
  }>(`WITH
    -- One pass over posts (joined to their authors) and one over signups.
    p AS (SELECT min(p.created_at) FILTER (WHERE ${plausibleSql('p.created_at')}) AS lo,
        max(p.created_at) FILTER (WHERE ${plausibleSql('p.created_at')}) AS hi, count(*) AS posts,
        count(*) FILTER (WHERE ${implausibleSql('p.created_at')}) AS bad,
        count(DISTINCT p.user_id) FILTER (WHERE s.user_id IS NULL) AS authors,
        count(*) FILTER (WHERE s.user_id IS NULL) AS unknown_posts,
        count(*) FILTER (WHERE p.created_at < s.signup_at) AS before
      FROM posts p LEFT JOIN signups s ON s.user_id = p.user_id),
    s AS (SELECT min(signup_at) FILTER (WHERE ${plausibleSql('signup_at')}) AS lo,
        max(signup_at) FILTER (WHERE ${plausibleSql('signup_at')}) AS hi, count(*) AS signups,
        count(*) FILTER (WHERE ${implausibleSql('signup_at')}) AS bad FROM signups)
    SELECT ${isoSql('greatest(p.hi, s.hi)')} AS dataset_end, ${isoSql('least(p.lo, s.lo)')} AS dataset_start,
      CAST(p.authors AS BIGINT) AS authors, CAST(p.unknown_posts AS BIGINT) AS unknown_posts,
      CAST(p.before AS BIGINT) AS before, CAST(s.signups AS BIGINT) AS signups, CAST(p.posts AS BIGINT) AS posts,
      CAST(s.bad AS BIGINT) AS bad_signups, CAST(p.bad AS BIGINT) AS bad_posts
    FROM p, s`);
  const r = rows[0];
  return {
    dataset_end: r?.dataset_end ?? null,
    dataset_start: r?.dataset_start ?? null,
    implausible: { signups: r?.bad_signups ?? 0, posts: r?.bad_posts ?? 0 },
    authors_not_in_signups: r?.authors ?? 0,
    posts_by_unknown_authors: r?.unknown_posts ?? 0,
    posts_before_signup: r?.before ?? 0,
    signups: r?.signups ?? 0,
    posts: r?.posts ?? 0,
  };
}

/** The stored files' reports with their listed rejects, in load order. */
export async function readFileReports(engine: Engine): Promise<FileReport[]> {
  const files = await engine.query<{ file_id: number; report: string }>(
    'SELECT CAST(file_id AS INTEGER) AS file_id, report FROM files ORDER BY file_id',
  );
  const rejects = await engine.query<{
    file_id: number;
    line: number;
    reason: string;
    text: string | null;
  }>(
    'SELECT CAST(file_id AS INTEGER) AS file_id, CAST(line AS BIGINT) AS line, reason, text FROM rejects ORDER BY file_id, line',
  );
  const byFile = new Map<number, RejectedRow[]>();
  for (const r of rejects) {
    const list = byFile.get(r.file_id) ?? [];
    list.push({ line: r.line, reason: r.reason, ...(r.text === null ? {} : { raw: r.text }) });
    byFile.set(r.file_id, list);
  }
  return files.map((f) => ({
    ...(JSON.parse(f.report) as Omit<FileReport, 'rejects'>),
    file_id: f.file_id,
    rejects: byFile.get(f.file_id) ?? [],
  }));
}

/** The whole report of what the tables hold now. */
export async function readReport(engine: Engine): Promise<IngestReport> {
  return { files: await readFileReports(engine), ...(await summarise(engine)) };
}

/** The contract shape of `ingest.json` (metrics.md), without the app's extra fields. */
export function ingestJson(report: IngestReport): unknown {
  return {
    files: report.files.map((f) => ({
      file: f.file,
      table: f.table,
      rows_read: f.rows_read,
      rows_loaded: f.rows_loaded,
      rows_rejected: f.rows_rejected,
      duplicates: f.duplicates,
      rejects: f.rejects.map((r) => ({ line: r.line, reason: r.reason })),
      ...(f.error ? { error: f.error } : {}),
      ...(f.encoding ? { encoding: f.encoding } : {}),
      ...(f.implausible
        ? {
            implausible_timestamps: {
              rows: f.implausible.rows,
              lines: f.implausible.lines,
              note: `outside ${PLAUSIBLE_RANGE_TEXT}: loaded, left out of the analyses`,
            },
          }
        : {}),
    })),
    dataset_end: report.dataset_end,
    authors_not_in_signups: report.authors_not_in_signups,
  };
}
