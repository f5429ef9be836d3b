/** The ingest report: per file, rows_read = rows_loaded + rows_rejected + duplicates. */
import type { TableName } from './roles.ts';

export interface RejectedRow {
  /** 1-based physical line on which the record starts (the header is line 1). */
  line: number;
  reason: string;
  /** The record's text where it is known (shape errors), or the offending value. */
  raw?: string;
}

export interface FileReport {
  file: string;
  table: TableName | null;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  duplicates: number;
  rejects: RejectedRow[];
  /** Rejects beyond the kept detail (counted in rows_rejected, not listed). */
  rejects_not_listed: number;
  /** Set when the file could not serve its table; nothing of it was loaded. */
  error?: string;
  /** What kind of failure: the columns cannot serve the table, no record is loadable, or unreadable. */
  errorKind?: 'columns' | 'no-rows' | 'unreadable';
  /** Header → role or segment name, for the report and the mapping dialog. */
  columns?: { header: string; role: string }[];
}

export interface IngestReport {
  files: FileReport[];
  /** Latest instant loaded (ISO 8601, UTC), or null when nothing loaded. */
  dataset_end: string | null;
  /** Distinct post authors missing from the signup export. */
  authors_not_in_signups: number;
  /** Posts by those authors. */
  posts_by_unknown_authors: number;
  /** Posts created before their author's signup. */
  posts_before_signup: number;
  signups: number;
  posts: number;
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
    })),
    dataset_end: report.dataset_end,
    authors_not_in_signups: report.authors_not_in_signups,
  };
}
