/**
 * ClickHouse over HTTP as an Engine: the metric modules' SQL (ClickHouse dialect, db/dialect.ts)
 * runs on a cluster, which does the distributed work. Plain `fetch`, so the same code can run in
 * node and, through a same-origin proxy, in the browser.
 *
 * Placeholders (`?`) are filled in here with escaped literals: Debian's ClickHouse 18.16 has no
 * server-side query parameters. Every request asks the server to finish the query before it
 * answers (`wait_end_of_query`), so an error half-way through a result comes back as an HTTP
 * error with its message instead of a truncated 200.
 */
import type { Engine, Row, SqlParam } from './engine.ts';
import { literal } from './dialect.ts';

export interface ClickHouseOptions {
  /** `http://host:8123` (a path prefix is kept, e.g. a proxy's `/clickhouse`). */
  url: string;
  user?: string;
  password?: string;
  /** Database holding the tables; the user's default unless given. */
  database?: string;
  /** Extra settings sent with every request. */
  settings?: Record<string, string | number>;
}

/** The HTTP settings every request carries. */
const BASE_SETTINGS: Record<string, string | number> = {
  wait_end_of_query: 1,
  // A large buffer keeps the whole (small) result until the query ends: errors are HTTP errors.
  buffer_size: 64 * 1024 * 1024,
  output_format_json_quote_64bit_integers: 0,
  // Outer joins give NULL, not the type's default, for a missing row (DuckDB's semantics).
  join_use_nulls: 1,
};

export class ClickHouseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClickHouseError';
  }
}

/** `sql` with each `?` outside quotes and comments replaced by its parameter as a literal. */
export function inlineParams(sql: string, params: readonly SqlParam[] = []): string {
  let out = '';
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      // Copy a quoted string or identifier whole (a doubled or backslashed quote stays inside).
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end < 0 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (c === '?') {
      if (next >= params.length) throw new ClickHouseError('More ? placeholders than parameters');
      out += paramLiteral(params[next++] as SqlParam);
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (next !== params.length) throw new ClickHouseError('More parameters than ? placeholders');
  return out;
}

function paramLiteral(v: SqlParam): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ClickHouseError(`Not a finite number: ${v}`);
    return String(v);
  }
  return literal(v, 'clickhouse');
}

export interface ClickHouseEngine extends Engine {
  readonly url: string;
  /** POST `body` (bytes or a stream) as the data of an INSERT statement (`sql` ends in FORMAT …). */
  insert(
    sql: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    settings?: Record<string, string | number>,
  ): Promise<void>;
}

export function openClickHouseEngine(opts: ClickHouseOptions): ClickHouseEngine {
  const base = opts.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  if (opts.user !== undefined) {
    const bytes = new TextEncoder().encode(`${opts.user}:${opts.password ?? ''}`);
    const token = btoa(String.fromCharCode(...bytes));
    headers.Authorization = `Basic ${token}`;
  }
  const endpoint = (extra: Record<string, string | number> = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...BASE_SETTINGS, ...opts.settings, ...extra }))
      q.set(k, String(v));
    if (opts.database) q.set('database', opts.database);
    return `${base}/?${q.toString()}`;
  };
  const post = async (
    url: string,
    body: string | ReadableStream<Uint8Array> | Uint8Array,
  ): Promise<string> => {
    const init: RequestInit & { duplex?: 'half' } = {
      method: 'POST',
      headers,
      body: body as BodyInit,
    };
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) init.duplex = 'half';
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw new ClickHouseError(
        `Cannot reach ClickHouse at ${base}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const text = await res.text();
    if (!res.ok)
      throw new ClickHouseError(`ClickHouse: ${text.trim().split('\n')[0] ?? res.status}`);
    return text;
  };

  return {
    kind: 'clickhouse',
    dialect: 'clickhouse',
    url: base,
    database: opts.database,
    async query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
      const text = await post(endpoint(), `${inlineParams(sql, params)}\nFORMAT JSONEachRow`);
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as T);
    },
    async exec(sql: string): Promise<void> {
      await post(endpoint(), sql);
    },
    async insert(sql, body, settings = {}) {
      await post(`${endpoint(settings)}&query=${encodeURIComponent(sql)}`, body);
    },
    registerFile(): Promise<string> {
      return Promise.reject(
        new ClickHouseError('ClickHouse reads no local files; load them with --load'),
      );
    },
    async dropFile(): Promise<void> {},
    async cancel(): Promise<boolean> {
      return false;
    },
    async close(): Promise<void> {},
  };
}

/** The database a connection's bare table names resolve in. */
export async function currentDatabase(server: Engine): Promise<string> {
  const db = (await server.query<{ db: string }>('SELECT currentDatabase() AS db'))[0]?.db;
  if (!db) throw new ClickHouseError('ClickHouse did not say which database is in use');
  return db;
}

/**
 * An engine that names its database: the one given, else the one the server puts the
 * connection in. The joins each shard runs on its own signups name it (QueryContext
 * localSignups): a shard resolves a bare name in its own default database, which need not be
 * the one the query was sent with.
 */
export async function openClickHouseNamed(opts: ClickHouseOptions): Promise<ClickHouseEngine> {
  if (opts.database) return openClickHouseEngine(opts);
  return openClickHouseEngine({
    ...opts,
    database: await currentDatabase(openClickHouseEngine(opts)),
  });
}
