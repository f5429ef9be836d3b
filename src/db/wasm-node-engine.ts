/**
 * duckdb-wasm in node (`--engine wasm`, and the tests that check both engines agree): the
 * package's blocking build, wrapped in the async Engine interface so callers cannot tell it from
 * the browser worker. It is the browser's engine, single-threaded, so it also stands in for the
 * browser when ingest stages are timed in node.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Blocking from '@duckdb/duckdb-wasm/blocking';
import { START_SQL, UPLOAD_DIR, lockDownSql, tableToRows } from './engine.ts';
import type { Engine, FileSource, Row, SqlParam } from './engine.ts';
import type { NodeEngineOptions } from './node-engine.ts';

const require = createRequire(import.meta.url);

export async function openWasmNodeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  const duckdb = require('@duckdb/duckdb-wasm/blocking') as typeof Blocking;
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const bundles = {
    mvp: {
      mainModule: path.join(dist, 'duckdb-mvp.wasm'),
      mainWorker: path.join(dist, 'duckdb-node-mvp.worker.cjs'),
    },
    eh: {
      mainModule: path.join(dist, 'duckdb-eh.wasm'),
      mainWorker: path.join(dist, 'duckdb-node-eh.worker.cjs'),
    },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  db.open({});
  const conn = db.connect();
  for (const sql of START_SQL) conn.query(sql);
  const paths = (options.allowedPaths ?? []).map((p) => path.resolve(p));
  for (const sql of lockDownSql({ directories: [UPLOAD_DIR], paths })) conn.query(sql);

  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new Error('The database is closed.');
  };

  return {
    kind: 'wasm-node',
    async query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
      ensureOpen();
      if (!params || params.length === 0) return tableToRows<T>(conn.query(sql));
      const stmt = conn.prepare(sql);
      try {
        return tableToRows<T>(stmt.query(...params));
      } finally {
        stmt.close();
      }
    },
    async exec(sql: string): Promise<void> {
      ensureOpen();
      conn.query(sql);
    },
    async registerFile(name: string, source: FileSource): Promise<string> {
      ensureOpen();
      if (source.kind === 'path') return path.resolve(source.path);
      if (source.kind === 'buffer') {
        const target = UPLOAD_DIR + name;
        db.registerFileBuffer(target, source.bytes);
        return target;
      }
      throw new Error('A browser File cannot be registered with the node engine.');
    },
    async dropFile(target: string): Promise<void> {
      if (target.startsWith(UPLOAD_DIR)) db.dropFile(target);
    },
    async cancel(): Promise<boolean> {
      // The blocking build runs each statement to completion on this thread.
      return false;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      conn.close();
      db.reset();
    },
  };
}
