/**
 * Native DuckDB in node (the CLI and the node tests): @duckdb/node-api, pinned to the DuckDB
 * release duckdb-wasm carries (1.4.3), so the same SQL behaves the same way. It starts in tens of
 * milliseconds and runs on every core, where the wasm build takes seconds to start and one core.
 * Rows come back as plain JS like the other engines: BIGINT as number, timestamps as epoch ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { START_SQL, UPLOAD_DIR, lockDownSql } from './engine.ts';
import type { Engine, FileSource, Row, SqlParam } from './engine.ts';
import type { NodeEngineOptions } from './node-engine.ts';

/** JS values from node-api as the rest of the app expects them (see engine.ts plainValue). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

export async function openNativeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  // Buffers (tests, pasted text) become files in a private folder only this engine may read.
  const uploads = mkdtempSync(path.join(tmpdir(), 'surgescope-uploads-'));
  const instance = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  const paths = (options.allowedPaths ?? []).map((p) => path.resolve(p));
  for (const sql of [
    ...START_SQL,
    ...lockDownSql({
      directories: [
        UPLOAD_DIR,
        uploads + path.sep,
        ...(options.directories ?? []).map((d) => path.resolve(d) + path.sep),
      ],
      paths,
    }),
  ])
    await conn.run(sql);

  let closed = false;
  let counter = 0;
  const ensureOpen = () => {
    if (closed) throw new Error('The database is closed.');
  };
  // Statements take turns, as on the browser's single connection.
  let queue: Promise<unknown> = Promise.resolve();
  const turn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  return {
    kind: 'native',
    query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
      return turn(async () => {
        ensureOpen();
        const reader = await conn.runAndReadAll(
          sql,
          params && params.length > 0 ? (params as DuckDBValue[]) : undefined,
        );
        return reader.getRowObjectsJS().map((r) => plain(r) as T);
      });
    },
    exec(sql: string): Promise<void> {
      return turn(async () => {
        ensureOpen();
        await conn.run(sql);
      });
    },
    async registerFile(name: string, source: FileSource): Promise<string> {
      ensureOpen();
      if (source.kind === 'path') return path.resolve(source.path);
      if (source.kind === 'buffer') {
        const dir = path.join(uploads, String(++counter));
        mkdirSync(dir);
        const target = path.join(dir, path.basename(name) || 'file.csv');
        writeFileSync(target, source.bytes);
        return target;
      }
      throw new Error('A browser File cannot be registered with the native engine.');
    },
    async dropFile(target: string): Promise<void> {
      if (target.startsWith(uploads))
        rmSync(path.dirname(target), { recursive: true, force: true });
    },
    async cancel(): Promise<boolean> {
      conn.interrupt();
      return true;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue.catch(() => {});
      conn.closeSync();
      instance.closeSync();
      rmSync(uploads, { recursive: true, force: true });
    },
  };
}
