/**
 * Load one CSV file into its canonical table, accounting for every record:
 * rows_read = rows_loaded + rows_rejected + duplicates.
 *
 * A pipeline of named steps, each in its own module:
 *   sniff (sniff.ts) → map (roles.ts) → stage (stage.ts: one read into the table) →
 *   check (check.ts: invalid records out) → locate (locate.ts: lines, texts, reasons) →
 *   dedupe (dedupe.ts) → record (report.ts: the file's report, rejects and line map).
 * The file runs in one transaction: a failed or cancelled file leaves the tables exactly as they
 * were, so it can never change how later files read.
 */
import type { Engine } from '../db/engine.ts';
import { takeInvalid, deleteRecords } from './check.ts';
import { REPEATS_TABLE, dedupeFile } from './dedupe.ts';
import { detectEncoding, transcodeInput } from './encoding.ts';
import type { InputFile } from './input-file.ts';
import { locate } from './locate.ts';
import { clampToPlausible } from './plausible.ts';
import { lineOf } from './record-scan.ts';
import { TIME_ROLE, guessTable, mapColumns } from './roles.ts';
import type { ColumnMapping, Role, TableName } from './roles.ts';
import { recordFile, fileSpan, implausibleRows } from './report.ts';
import type { FileReport } from './report.ts';
import { SNIFF_BYTES, decodeHead, sniffText } from './sniff.ts';
import type { Sniffed } from './sniff.ts';
import { REJECTS_TABLE, REJECT_SCANS, stageFile } from './stage.ts';
import {
  MAX_SEGMENT_COLUMNS,
  addSegmentColumns,
  dropFileRows,
  dropSegmentColumns,
  ensureTables,
  nextFileId,
  segmentColumns,
} from './tables.ts';
import { describeShape, detectTimestampShape, previewRange } from './timestamps.ts';

export interface FileOptions {
  /** Which table the file feeds; guessed from the header when absent. */
  table?: TableName;
  /** Role → header overrides. */
  overrides?: Partial<Record<Role, string>>;
  /** Headers of columns to leave out (neither a role nor a segment). */
  ignored?: string[];
  /** IANA zone of naive timestamps in this file (default UTC). */
  timeZone?: string;
  /** Header → segment column name, to merge differently named columns of several exports. */
  segmentNames?: Record<string, string>;
}

export type LoadPhase = 'sniff' | 'read' | 'check' | 'locate' | 'dedupe' | 'done';

export interface LoadProgress {
  file: string;
  index: number;
  total: number;
  phase: LoadPhase;
  /** Bytes of this file dealt with so far. */
  bytes: number;
  rows?: number;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
  /** How many rejects per file keep their line, reason and text (all are counted). */
  maxRejectDetails?: number;
}

export class LoadCancelled extends Error {
  constructor() {
    super('Loading was cancelled; the data loaded before it is unchanged.');
    this.name = 'LoadCancelled';
  }
}

let uploadCounter = 0;

function emptyReport(input: InputFile, table: TableName | null): FileReport {
  return {
    file: input.name,
    table,
    size: input.size,
    rows_read: 0,
    rows_loaded: 0,
    rows_rejected: 0,
    duplicates: 0,
    rejects: [],
    rejects_not_listed: 0,
  };
}

/** Header → role or segment name, for the report and the mapping dialog. */
function describeColumns(sniffed: Sniffed, mapping: ColumnMapping): FileReport['columns'] {
  return sniffed.headers.map((header, i) => {
    const role = (Object.entries(mapping.roles) as [Role, number][]).find(
      ([, idx]) => idx === i,
    )?.[0];
    const seg = mapping.segments.find((s) => s.index === i);
    return { header, role: role ?? (seg ? `segment:${seg.name}` : 'ignored') };
  });
}

/** Lines of the rows with an implausible timestamp that the report lists (all are counted). */
const IMPLAUSIBLE_LINES = 20;

/**
 * Why the file's segment columns cannot be kept, or null: they would take the table past
 * MAX_SEGMENT_COLUMNS (see tables.ts).
 */
async function tooManyColumns(
  engine: Engine,
  table: TableName,
  headers: readonly string[],
  mapping: ColumnMapping,
): Promise<string | null> {
  const have = new Set(await segmentColumns(engine, table));
  const fresh = mapping.segments.filter((s) => !have.has(s.name)).length;
  if (have.size + fresh <= MAX_SEGMENT_COLUMNS) return null;
  const count = (n: number) => n.toLocaleString('en-US');
  const already = have.size > 0 ? ` (${count(have.size)} are already loaded)` : '';
  return `Too many columns: this file has ${count(headers.length)}, and keeping them would give the ${table} ${count(have.size + fresh)} segment columns${already}; Surgescope keeps at most ${MAX_SEGMENT_COLUMNS} per table, since each one is stored for every row. Leave out the columns you do not need (set them to "ignore" in Map columns, or remove them from the file) and load it again.`;
}

/** Why the header cannot serve the table, or null. */
function mappingError(table: TableName, headers: string[], mapping: ColumnMapping): string | null {
  if (mapping.unknownOverrides.length > 0)
    return `The mapping names columns that are not in the file: ${mapping.unknownOverrides.map((h) => `"${h}"`).join(', ')}. Columns: ${headers.join(', ')}.`;
  if (mapping.missing.length > 0)
    return `Missing required column${mapping.missing.length > 1 ? 's' : ''} for ${table}: ${mapping.missing.join(', ')}. Columns found: ${headers.join(', ')}. Map them by hand (--map ${table}.${mapping.missing[0]}="Header").`;
  return null;
}

/** Load one file. Never throws for bad data: problems end up in the report. */
export async function loadFile(
  engine: Engine,
  input: InputFile,
  options: FileOptions = {},
  load: LoadOptions & { index?: number; total?: number } = {},
): Promise<FileReport> {
  const report = emptyReport(input, options.table ?? null);
  const progress = (phase: LoadPhase, bytes: number, rows?: number) =>
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
  await ensureTables(engine);
  const fileId = await nextFileId(engine);
  report.file_id = fileId;
  const refuse = async (kind: FileReport['errorKind'], error: string) => {
    report.errorKind = kind;
    report.error = error;
    await recordFile(engine, fileId, report, null);
    return report;
  };

  // encoding: files that are not UTF-8 are converted first, or refused with the encoding named
  progress('sniff', 0);
  const rawHead = await input.head(SNIFF_BYTES);
  const verdict = detectEncoding(rawHead, input.size <= SNIFF_BYTES);
  if (verdict.kind === 'refuse') return refuse('encoding', verdict.message);
  const file = verdict.kind === 'transcode' ? await transcodeInput(input, verdict.encoding) : input;
  if (verdict.kind === 'transcode') report.encoding = `${verdict.label}, converted to UTF-8`;
  // sniff
  const head = decodeHead(file === input ? rawHead : await file.head(SNIFF_BYTES));
  const sniffed = sniffText(head.text, head.hasBom, file.size <= SNIFF_BYTES);
  report.delimiter = sniffed.delimiter;
  if (sniffed.headers.length === 0 || sniffed.headers.every((h) => h === ''))
    return refuse('columns', 'The file is empty or has no header row.');
  // map
  const table = options.table ?? guessTable(sniffed.headers);
  if (!table)
    return refuse(
      'columns',
      `Cannot tell whether this is a signups or a posts export from its header (${sniffed.headers.join(', ')}). Choose the table and map the columns by hand.`,
    );
  report.table = table;
  const mapping = mapColumns(
    table,
    sniffed.headers,
    options.overrides,
    options.ignored,
    options.segmentNames,
  );
  report.columns = describeColumns(sniffed, mapping);
  const bad =
    mappingError(table, sniffed.headers, mapping) ??
    (await tooManyColumns(engine, table, sniffed.headers, mapping));
  if (bad) return refuse('columns', bad);
  const timeIdx = mapping.roles[TIME_ROLE[table]] as number;
  const sample = sniffed.preview.map((r) => (r[timeIdx] ?? '').trim());
  const shape = detectTimestampShape(sample);
  const zone = options.timeZone ?? 'UTC';
  report.timestampFormat = describeShape(shape, sample);
  report.timeZone = zone;

  const path = await engine.registerFile(`${++uploadCounter}-${input.name}`, file.source);
  // Two transactions. The first reads the file into its table and commits: taking rows out of
  // uncommitted rows makes DuckDB rewrite them all at COMMIT (seconds at millions of rows), so
  // the second takes out invalid records and duplicates from committed ones. A failure in the
  // second removes the file's rows again, so the tables end as they were either way.
  let staged: Awaited<ReturnType<typeof stageFile>> | null = null;
  // Segment columns this file added (committed with its rows): a failure takes them out again.
  let added: string[] = [];
  try {
    checkCancel();
    progress('read', 0);
    await engine.exec('BEGIN TRANSACTION');
    const adding = await addSegmentColumns(
      engine,
      table,
      mapping.segments.map((s) => s.name),
    );
    staged = await stageFile(engine, {
      path,
      sniffed,
      mapping,
      shape,
      fileId,
      zone,
      naiveRange: clampToPlausible(previewRange(sample)),
    });
    await engine.exec('COMMIT');
    added = adding;
    checkCancel();
    progress('check', input.size, staged.accepted);
    const found = staged;
    // check: invalid records out (they are known before the file's bytes are scanned)
    const settle = async (takeOut: readonly number[]) => {
      await engine.exec('BEGIN TRANSACTION');
      const invalid = await takeInvalid(engine, table, fileId);
      await deleteRecords(engine, table, fileId, takeOut);
      return invalid;
    };
    const dedupe = async (invalid: number[], takeOut: readonly number[]) => {
      const valid = found.accepted - invalid.length - takeOut.length;
      const duplicates = valid > 0 ? await dedupeFile(engine, table, fileId) : 0;
      return { invalid, valid, duplicates };
    };
    const invalid = await settle([]);
    // locate and dedupe overlap: the scan of the file's bytes runs here (or in a worker) while
    // the engine dedupes.
    progress('locate', input.size, staged.accepted);
    const locating = locate(
      file,
      sniffed.delimiter,
      mapping,
      sniffed.headers,
      { shape: found.rejects, invalid, accepted: found.accepted },
      load.maxRejectDetails ?? Infinity,
    );
    const deduping = dedupe(invalid, []);
    // Both are awaited before either can fail the load alone.
    await Promise.allSettled([locating, deduping]);
    const located = await locating;
    let settled = await deduping;
    progress('dedupe', input.size, staged.accepted);
    if (located.takeOut.length > 0) {
      // Rare: the last record's quote never closed, or a record has text after a closing quote.
      // Settle again without them.
      await engine.exec('ROLLBACK');
      settled = await dedupe(await settle(located.takeOut), located.takeOut);
    }
    checkCancel();
    report.rows_read = staged.accepted + staged.rejects.length;
    report.rows_rejected = report.rows_read - settled.valid;
    report.duplicates = settled.duplicates;
    report.rows_loaded = settled.valid - settled.duplicates;
    report.rejects = located.rejects;
    report.rejects_not_listed = located.notListed;
    if (settled.valid === 0) {
      await engine.exec('ROLLBACK');
      await dropFileRows(engine, table, fileId);
      await dropSegmentColumns(engine, table, added);
      report.rows_loaded = 0;
      report.duplicates = 0;
      report.errorKind = 'no-rows';
      report.error =
        report.rows_read === 0
          ? 'The file has a header but no data rows.'
          : `No row of this file could be loaded: all ${report.rows_read} records were rejected. See the reasons below.`;
      await recordFile(engine, fileId, report, null);
    } else {
      Object.assign(report, await fileSpan(engine, table, fileId));
      const implausible = await implausibleRows(engine, table, fileId, IMPLAUSIBLE_LINES);
      if (implausible.rows > 0)
        report.implausible = {
          rows: implausible.rows,
          lines: implausible.ordinals.map((o) => lineOf(located.lineMap, o)),
        };
      await recordFile(engine, fileId, report, located.lineMap);
      await engine.exec('COMMIT');
    }
    progress('done', input.size, report.rows_loaded);
  } catch (err) {
    await engine.exec('ROLLBACK').catch(() => {});
    if (staged) await dropFileRows(engine, table, fileId).catch(() => {});
    await dropSegmentColumns(engine, table, added).catch(() => {});
    // A cancel interrupts the statement in flight; whatever error that raised, it is a cancel.
    if (err instanceof LoadCancelled || load.signal?.aborted) throw new LoadCancelled();
    Object.assign(report, emptyReport(input, report.table), {
      file_id: fileId,
      columns: report.columns,
    });
    return refuse(
      'unreadable',
      `Could not read this file: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  } finally {
    // Nothing of the load stays behind: the registered file and the reader's reject tables.
    await engine.dropFile(path).catch(() => {});
    await engine
      .exec(
        `DROP TABLE IF EXISTS ${REJECTS_TABLE}; DROP TABLE IF EXISTS ${REJECT_SCANS}; DROP TABLE IF EXISTS ${REPEATS_TABLE};`,
      )
      .catch(() => {});
  }
  return report;
}
