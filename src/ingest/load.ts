/**
 * Load CSV files into the canonical `signups` and `posts` tables with DuckDB's own CSV reader,
 * accounting for every record: rows_read = rows_loaded + rows_rejected + duplicates.
 *
 * Per file: sniff (papaparse) → map columns to roles → read every column as text with
 * `read_csv(store_rejects)` → parse timestamps in SQL → reject empty ids and bad timestamps →
 * dedupe against what is already loaded → insert. Each file runs in its own transaction, so a
 * failed or cancelled file leaves earlier data intact.
 */
import { sqlIdent, sqlString } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';
import { localToUtcSql } from '../metrics/time-zone.ts';
import type { InputFile } from './input-file.ts';
import { locateRecords } from './line-index.ts';
import { TIME_ROLE, guessTable, mapColumns } from './roles.ts';
import type { ColumnMapping, Role, TableName } from './roles.ts';
import type { FileReport, RejectedRow } from './report.ts';
import { SNIFF_BYTES, decodeHead, sniffText } from './sniff.ts';
import type { Sniffed } from './sniff.ts';
import { timestampFromPartsSql, timestampPartsSql } from './timestamps.ts';
import { ensureTables, addSegmentColumns } from './tables.ts';
import { describeShapeError, describeRowError, wrongFieldCount } from './reasons.ts';

export interface FileOptions {
  /** Which table the file feeds; guessed from the header when absent. */
  table?: TableName;
  /** Role → header overrides. */
  overrides?: Partial<Record<Role, string>>;
  /** Headers of columns to leave out (neither a role nor a segment). */
  ignored?: string[];
  /** IANA zone of naive timestamps in this file (default UTC). */
  timeZone?: string;
}

export interface LoadProgress {
  file: string;
  index: number;
  total: number;
  phase: 'sniff' | 'read' | 'check' | 'locate' | 'insert' | 'done';
  bytes: number;
  rows?: number;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
  /** How many rejects per file keep their line and reason (all are counted). */
  maxRejectDetails?: number;
}

export class LoadCancelled extends Error {
  constructor() {
    super('Loading was cancelled; the data loaded before it is unchanged.');
    this.name = 'LoadCancelled';
  }
}

let fileCounter = 0;

/** DuckDB's NULL string: never present in real data, so empty fields read as ''. */
const NULL_SENTINEL = '\u0001surgescope-null\u0001';

/** Load one file. Never throws for bad data: problems end up in the report. */
export async function loadFile(
  engine: Engine,
  input: InputFile,
  options: FileOptions = {},
  load: LoadOptions & { index?: number; total?: number } = {},
): Promise<FileReport> {
  const report: FileReport = {
    file: input.name,
    table: options.table ?? null,
    rows_read: 0,
    rows_loaded: 0,
    rows_rejected: 0,
    duplicates: 0,
    rejects: [],
    rejects_not_listed: 0,
  };
  const progress = (phase: LoadProgress['phase'], bytes: number, rows?: number) =>
    load.onProgress?.({
      file: input.name,
      index: load.index ?? 0,
      total: load.total ?? 1,
      phase,
      bytes,
      ...(rows === undefined ? {} : { rows }),
    });
  const checkCancel = () => {
    if (load.signal?.aborted) throw new LoadCancelled();
  };

  progress('sniff', 0);
  const head = decodeHead(await input.head(SNIFF_BYTES));
  const sniffed = sniffText(head.text, head.hasBom, input.size <= SNIFF_BYTES);
  if (sniffed.headers.length === 0 || sniffed.headers.every((h) => h === '')) {
    report.errorKind = 'columns';
    report.error = 'The file is empty or has no header row.';
    return report;
  }
  const table = options.table ?? guessTable(sniffed.headers);
  if (!table) {
    report.errorKind = 'columns';
    report.error = `Cannot tell whether this is a signups or a posts export from its header (${sniffed.headers.join(', ')}). Choose the table and map the columns by hand.`;
    return report;
  }
  report.table = table;
  const mapping = mapColumns(table, sniffed.headers, options.overrides, options.ignored);
  report.columns = sniffed.headers.map((header, i) => {
    const role = (Object.entries(mapping.roles) as [Role, number][]).find(
      ([, idx]) => idx === i,
    )?.[0];
    const seg = mapping.segments.find((s) => s.index === i);
    return { header, role: role ?? `segment:${seg?.name ?? header}` };
  });
  if (mapping.unknownOverrides.length > 0) {
    report.errorKind = 'columns';
    report.error = `The mapping names columns that are not in the file: ${mapping.unknownOverrides.map((h) => `"${h}"`).join(', ')}. Columns: ${sniffed.headers.join(', ')}.`;
    return report;
  }
  if (mapping.missing.length > 0) {
    report.errorKind = 'columns';
    report.error = `Missing required column${mapping.missing.length > 1 ? 's' : ''} for ${table}: ${mapping.missing.join(', ')}. Columns found: ${sniffed.headers.join(', ')}. Map them by hand (--map ${table}.${mapping.missing[0]}="Header").`;
    return report;
  }

  const path = await engine.registerFile(`${++fileCounter}-${input.name}`, input.source);
  await ensureTables(engine);
  await engine.exec('BEGIN TRANSACTION');
  try {
    checkCancel();
    progress('read', 0);
    const shape = await readStage(engine, path, sniffed, mapping, options.timeZone ?? 'UTC');
    checkCancel();
    progress('check', input.size, shape.accepted);
    const flagged = await engine.query<{
      _row: number;
      uid: string | null;
      tx: string | null;
      bad_time: boolean;
      fields_ok: boolean;
      too_many: boolean;
    }>(
      `SELECT _row, _uid AS uid, _tx AS tx, _ts IS NULL AS bad_time, _fields_ok AS fields_ok, _too_many AS too_many
       FROM _stage WHERE _uid = '' OR _ts IS NULL OR NOT _fields_ok ORDER BY _row`,
    );
    // A quote left open swallows the rest of the file into the last record; DuckDB's lenient
    // reader accepts it, so when the last record spans lines the scanner checks the end state.
    const last = await engine.query<{ _row: number; nl: boolean }>(
      'SELECT _row, _nl AS nl FROM _stage ORDER BY _row DESC LIMIT 1',
    );
    const lastRow = last[0]?.nl ? last[0]._row : null;
    if (lastRow !== null && !flagged.some((f) => f._row === lastRow)) {
      flagged.push({
        _row: lastRow,
        uid: 'x',
        tx: null,
        bad_time: false,
        fields_ok: true,
        too_many: false,
      });
    }
    const timeCol = sniffed.headers[mapping.roles[TIME_ROLE[table]] as number] ?? '';
    const userCol = sniffed.headers[mapping.roles.user_id as number] ?? '';
    const rejects: RejectedRow[] = [];
    const extraRejects: number[] = []; // accepted-by-DuckDB rows we reject
    if (shape.rejects.length > 0 || flagged.length > 0) {
      progress('locate', input.size);
      const lines = await locateRecords(input.chunks(), sniffed.delimiter, {
        rejectLines: shape.rejects.map((r) => r.line),
        acceptedOrdinals: flagged.map((f) => f._row),
        endState: lastRow !== null,
      });
      for (const r of shape.rejects) {
        rejects.push({
          line: lines.rejectLines.get(r.line) ?? r.line,
          reason: describeShapeError(r),
          raw: r.raw,
        });
      }
      for (const f of flagged) {
        const line = lines.acceptedOrdinals.get(f._row) ?? -1;
        if (f._row === lastRow && lines.unterminated) {
          rejects.push({
            line,
            reason: 'a quoted field is never closed: the quote runs to the end of the file',
          });
          extraRejects.push(f._row);
        } else if (!f.fields_ok) {
          const n = sniffed.headers.length;
          const counted = lines.fieldCounts.get(f._row);
          const found =
            counted !== undefined && counted !== n
              ? String(counted)
              : f.too_many
                ? `more than ${n}`
                : `fewer than ${n}`;
          rejects.push({ line, reason: wrongFieldCount(n, found) });
          extraRejects.push(f._row);
        } else if (!f.uid || f.bad_time) {
          const { reason, raw } = describeRowError(table, f.uid, f.tx, userCol, timeCol);
          rejects.push({ line, reason, raw });
          extraRejects.push(f._row);
        }
      }
      rejects.sort((a, b) => a.line - b.line);
    }
    checkCancel();
    progress('insert', input.size, shape.accepted);
    if (extraRejects.length > 0) {
      await engine.exec(
        `CREATE OR REPLACE TEMP TABLE _bad AS SELECT unnest([${extraRejects.join(',')}]::BIGINT[]) AS _row`,
      );
      await engine.exec('DELETE FROM _stage WHERE _row IN (SELECT _row FROM _bad)');
      await engine.exec('DROP TABLE _bad');
    }
    await addSegmentColumns(
      engine,
      table,
      mapping.segments.map((s) => s.name),
    );
    const fileNo = await nextFileNumber(engine);
    const counts =
      table === 'signups'
        ? await insertSignups(engine, mapping, fileNo)
        : await insertPosts(engine, mapping);
    checkCancel();
    const valid = shape.accepted - extraRejects.length;
    report.rows_read = shape.accepted + shape.rejects.length;
    report.rows_rejected = shape.rejects.length + extraRejects.length;
    report.rows_loaded = counts.loaded;
    report.duplicates = valid - counts.loaded;
    const keep = load.maxRejectDetails ?? Infinity;
    report.rejects = rejects.slice(0, keep);
    report.rejects_not_listed = Math.max(0, rejects.length - keep);
    if (valid === 0) {
      await engine.exec('ROLLBACK');
      report.errorKind = 'no-rows';
      report.error =
        report.rows_read === 0
          ? 'The file has a header but no data rows.'
          : `No row of this file could be loaded: all ${report.rows_read} records were rejected. See the reasons below.`;
      report.rows_loaded = 0;
      report.duplicates = 0;
    } else {
      await engine.exec('COMMIT');
    }
    progress('done', input.size, report.rows_loaded);
  } catch (err) {
    await engine.exec('ROLLBACK').catch(() => {});
    // A cancel interrupts the statement in flight; whatever error that raised, it is a cancel.
    if (err instanceof LoadCancelled || load.signal?.aborted) throw new LoadCancelled();
    report.errorKind = 'unreadable';
    report.error = `Could not read this file: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    report.rows_read = report.rows_loaded = report.rows_rejected = report.duplicates = 0;
    report.rejects = [];
  } finally {
    await engine.exec('DROP TABLE IF EXISTS _stage').catch(() => {});
    await engine.dropFile(path).catch(() => {});
  }
  return report;
}

type ShapeReject = {
  line: number;
  type: string;
  message: string;
  raw: string;
};

/** Read the file into `_stage`: one row per accepted record, in file order (`_row`). */
async function readStage(
  engine: Engine,
  path: string,
  sniffed: Sniffed,
  mapping: ColumnMapping,
  zone: string,
): Promise<{ accepted: number; rejects: ShapeReject[] }> {
  const n = sniffed.headers.length;
  // One column more than the header: with null padding and a NULL string that never occurs, a
  // missing field reads as NULL and an empty one as '', so field counts can be checked in SQL.
  // (In strict mode DuckDB fails whole files with mixed line endings and drops empty trailing
  // fields without a word, so the reader runs lenient and the checks are ours.)
  const columns = Array.from({ length: n + 1 }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const col = (role: Role) => {
    const idx = mapping.roles[role];
    return idx === undefined ? 'NULL' : `c${idx}`;
  };
  const timeRole = TIME_ROLE[mapping.table];
  await engine.exec('DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _reject_scans;');
  const read = `read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ${sqlString(sniffed.delimiter)},
    quote = '"', escape = '"', strict_mode = false, null_padding = true, parallel = false,
    nullstr = ${sqlString(NULL_SENTINEL)}, store_rejects = true,
    rejects_table = '_rejects', rejects_scan = '_reject_scans', columns = {${columns}})`;
  const segments = mapping.segments.map((s) => `nullif(c${s.index}, '') AS ${sqlIdent(s.name)}`);
  const extra =
    mapping.table === 'posts'
      ? [
          `nullif(trim(${col('post_id')}), '') AS _pid`,
          `coalesce(nullif(trim(${col('category')}), ''), '(none)') AS _cat`,
        ]
      : [];
  await engine.exec(`CREATE OR REPLACE TEMP TABLE _stage AS
    SELECT CAST(_rn - 1 AS BIGINT) AS _row, coalesce(trim(${col('user_id')}), '') AS _uid,
      ${timestampFromPartsSql('_t')} AS _ts,
      _t_p.z = '' AND _t_p.d <> '' AS _naive,
      c${n} IS NULL AND c${n - 1} IS NOT NULL AS _fields_ok,
      c${n} IS NOT NULL AS _too_many,
      strpos(concat(${Array.from({ length: n + 1 }, (_, i) => `c${i}`).join(', ')}), chr(10)) > 0 AS _nl,
      -- _ts is the alias above (DuckDB reuses it rather than parsing every timestamp twice)
      CASE WHEN _ts IS NULL THEN _t_x END AS _tx
      ${[...extra, ...segments].map((s) => `, ${s}`).join('')}
    FROM (SELECT row_number() OVER () AS _rn, *, ${timestampPartsSql(col(timeRole), '_t')} FROM ${read})`);
  if (zone !== 'UTC') {
    const range = await engine.query<{ lo: number | null; hi: number | null }>(
      'SELECT epoch_ms(min(_ts)) AS lo, epoch_ms(max(_ts)) AS hi FROM _stage WHERE _naive',
    );
    const lo = range[0]?.lo;
    const hi = range[0]?.hi;
    if (lo != null && hi != null) {
      const day = 86_400_000;
      await engine.exec(
        `UPDATE _stage SET _ts = ${localToUtcSql('_ts', zone, lo - day, hi + day)} WHERE _naive`,
      );
    }
  }
  const accepted =
    (await engine.query<{ n: number }>('SELECT CAST(count(*) AS BIGINT) AS n FROM _stage'))[0]?.n ??
    0;
  const rejects =
    await engine.query<ShapeReject>(`SELECT CAST(line AS BIGINT) AS line, min(error_type) AS type,
      min(error_message) AS message, min(csv_line) AS raw FROM _rejects GROUP BY line ORDER BY line`);
  return { accepted, rejects };
}

async function nextFileNumber(engine: Engine): Promise<number> {
  const rows = await engine.query<{ n: number }>(
    'SELECT CAST(coalesce(max(_file), 0) + 1 AS INTEGER) AS n FROM signup_rows',
  );
  return rows[0]?.n ?? 1;
}

/** Valid rows are those with a user id and a parsed timestamp. */
const VALID = `_uid <> '' AND _ts IS NOT NULL`;

async function insertSignups(
  engine: Engine,
  mapping: ColumnMapping,
  fileNo: number,
): Promise<{ loaded: number }> {
  const newUsers = await engine.query<{
    n: number;
  }>(`SELECT CAST(count(DISTINCT _uid) AS BIGINT) AS n FROM _stage s
    WHERE ${VALID} AND NOT EXISTS (SELECT 1 FROM signup_rows r WHERE r.user_id = s._uid)`);
  const segs = mapping.segments.map((s) => sqlIdent(s.name));
  await engine.exec(`INSERT INTO signup_rows (user_id, signup_at, _file, _row${segs.map((s) => `, ${s}`).join('')})
    SELECT _uid, _ts, ${fileNo}, _row${segs.map((s) => `, ${s}`).join('')} FROM _stage WHERE ${VALID}`);
  await engine.exec(`CREATE OR REPLACE TABLE signups AS
    SELECT * EXCLUDE (_k, _first, _file, _row) REPLACE (_first AS signup_at) FROM (
      SELECT *, min(signup_at) OVER (PARTITION BY user_id) AS _first,
        row_number() OVER (PARTITION BY user_id ORDER BY _file, _row) AS _k FROM signup_rows)
    WHERE _k = 1`);
  return { loaded: newUsers[0]?.n ?? 0 };
}

async function insertPosts(engine: Engine, mapping: ColumnMapping): Promise<{ loaded: number }> {
  const segs = mapping.segments.map((s) => sqlIdent(s.name));
  const before = await countRows(engine, 'posts');
  await engine.exec(`INSERT INTO posts (user_id, created_at, category, post_id${segs.map((s) => `, ${s}`).join('')})
    SELECT _uid, _ts, _cat, _pid${segs.map((s) => `, ${s}`).join('')} FROM (
      SELECT *, CASE WHEN _pid IS NULL THEN 1 ELSE row_number() OVER (PARTITION BY _pid ORDER BY _row) END AS _k
      FROM _stage WHERE ${VALID}) s
    WHERE _k = 1 AND (_pid IS NULL OR NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = s._pid))
    ORDER BY _row`);
  return { loaded: (await countRows(engine, 'posts')) - before };
}

async function countRows(engine: Engine, table: string): Promise<number> {
  const rows = await engine.query<{ n: number }>(
    `SELECT CAST(count(*) AS BIGINT) AS n FROM ${sqlIdent(table)}`,
  );
  return rows[0]?.n ?? 0;
}
