/**
 * The engine interface: the only surface through which the rest of the app talks to DuckDB.
 * Implementations: `browser-engine.ts` (AsyncDuckDB inside a Web Worker), `native-engine.ts`
 * (native DuckDB in node: the CLI and tests) and `wasm-node-engine.ts` (duckdb-wasm's blocking
 * build in node: `--engine wasm`). All return plain rows with numbers instead of BigInts, so
 * metric code is identical everywhere.
 */
import type { LaneOptions } from './lanes.ts';
import type { Dialect } from './dialect.ts';

/** A value that may be bound to a `?` placeholder. */
export type SqlParam = string | number | boolean | null;

export type Row = Record<string, unknown>;

/** Where a file's bytes live, as far as the engine is concerned. */
export type FileSource =
  | { kind: 'path'; path: string }
  | { kind: 'browser-file'; file: File }
  | { kind: 'buffer'; bytes: Uint8Array };

/**
 * How a statement waits its turn. Background work (saving to the browser's storage, preparing
 * pre-aggregates nobody waits for) runs only when no foreground statement is waiting, so the
 * analyst's clicks never queue behind it for longer than one background statement.
 */
export type RunOptions = LaneOptions;

export interface Engine {
  /** native: DuckDB in node; wasm-node: duckdb-wasm's blocking build in node; browser: the worker. */
  readonly kind: 'native' | 'wasm-node' | 'browser' | 'clickhouse';
  /** The SQL dialect it speaks; DuckDB's unless said. */
  readonly dialect?: Dialect;
  /** The database holding the tables when it is not the connection's default (ClickHouse). */
  readonly database?: string;
  /**
   * The catalog of the browser's stored database when the working data lives in memory beside
   * it (see store.ts); null when there is no store.
   */
  readonly store?: string | null;
  /** Run one statement and return its rows (BigInt converted to number). */
  query<T extends Row = Row>(
    sql: string,
    params?: readonly SqlParam[],
    options?: RunOptions,
  ): Promise<T[]>;
  /** Run statements for their effect. */
  exec(sql: string, options?: RunOptions): Promise<void>;
  /**
   * Make a file readable by SQL and return the path to use in `read_csv`. In the browser a
   * File is read in place through a file handle, never copied into wasm memory.
   */
  registerFile(name: string, source: FileSource): Promise<string>;
  dropFile(path: string): Promise<void>;
  /**
   * Pick the working database for data of about `csvBytes` (browser only): DuckDB's compressed
   * in-memory database past a size where uncompressed tables would not leave wasm room for the
   * pre-aggregates, the plain one (faster to load) below it. Only while the working database
   * holds no data; the app's settings move along.
   */
  sizeFor?(csvBytes: number): Promise<void>;
  /** Cancel the statement in flight, if the implementation can; resolves true when it did. */
  cancel(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * information_schema condition for the working database's own tables (the browser attaches a
 * stored database beside it; see browser-engine.ts).
 */
export const OWN_TABLES = "table_schema = 'main' AND table_catalog = current_database()";

/** Registered files live under this directory; it is the only one SQL may read after lock-down. */
export const UPLOAD_DIR = '/uploads/';

/**
 * Settings applied right after the database opens. Extensions can never be downloaded (offline
 * users, CI), and a query that needs one must fail at once instead of waiting for a download.
 */
export const START_SQL = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
];

/**
 * Lock-down: external access off except for the given directories/paths, then the configuration
 * is locked so no later SQL can turn it back on. Registered files stay readable because they
 * live under an allowed directory; http(s), other local paths, INSTALL/LOAD and SET are refused.
 */
export function lockDownSql(allowed: { directories: string[]; paths: string[] }): string[] {
  const list = (xs: string[]) => `[${xs.map(sqlString).join(', ')}]`;
  return [
    `SET allowed_directories = ${list(allowed.directories)}`,
    `SET allowed_paths = ${list(allowed.paths)}`,
    'SET enable_external_access = false',
    'SET lock_configuration = true',
  ];
}

/** Quote a string literal for SQL (single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quote an identifier (double quotes doubled). Callers check names against the schema first. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Convert arrow row values to plain JS: BigInt to number, nested rows to objects. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (value && typeof value === 'object') {
    const maybe = value as { toJSON?: () => unknown };
    if (typeof maybe.toJSON === 'function') return plainValue(maybe.toJSON());
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainValue(v);
    return out;
  }
  return value;
}

interface ArrowLikeTable {
  toArray(): { toJSON(): Row }[];
}

/** Shape an arrow result table as plain rows. */
export function tableToRows<T extends Row>(table: ArrowLikeTable): T[] {
  return table.toArray().map((r) => {
    const json = r.toJSON();
    const out: Row = {};
    for (const [k, v] of Object.entries(json)) out[k] = plainValue(v);
    return out as T;
  });
}
