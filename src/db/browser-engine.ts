/**
 * duckdb-wasm in the browser: AsyncDuckDB in its own Web Worker, with the .wasm and worker
 * files served by Vite from the app itself (no CDN: the app works offline). One promise owns
 * the start, so concurrent callers share one database.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { Table } from 'apache-arrow';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { START_SQL, UPLOAD_DIR, lockDownSql, tableToRows } from './engine.ts';
import type { Engine, FileSource, Row, SqlParam } from './engine.ts';

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
};

let starting: Promise<Engine> | null = null;

/** The app's one database, started on first use. */
export function browserEngine(): Promise<Engine> {
  starting ??= openBrowserEngine().catch((err: unknown) => {
    starting = null;
    throw err;
  });
  return starting;
}

async function openBrowserEngine(): Promise<Engine> {
  if (typeof Worker === 'undefined')
    throw new Error('This browser has no Web Workers; Surgescope needs them to run DuckDB.');
  const bundle = await duckdb.selectBundle(BUNDLES);
  const worker = new Worker(bundle.mainWorker as string);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  try {
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    await db.open({ query: { castBigIntToDouble: false } });
    const conn = await db.connect();
    for (const sql of [...START_SQL, ...lockDownSql({ directories: [UPLOAD_DIR], paths: [] })]) {
      await conn.query(sql);
    }
    return wrap(db, conn, worker);
  } catch (err) {
    await db.terminate().catch(() => {});
    throw err;
  }
}

function wrap(db: duckdb.AsyncDuckDB, conn: duckdb.AsyncDuckDBConnection, worker: Worker): Engine {
  let closed = false;
  // One connection serves the app; statements take turns so a streamed result is never cut off.
  let queue: Promise<unknown> = Promise.resolve();
  const turn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };
  // Statements run through `send` so that a long one (a 10M-row CSV read) can be cancelled.
  const run = async (sql: string): Promise<Table> => {
    if (closed) throw new Error('The database is closed.');
    const reader = await conn.send(sql, true);
    const batches = [];
    for await (const batch of reader) batches.push(batch);
    return new Table(batches);
  };
  return {
    kind: 'browser',
    query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
      return turn(async () => {
        if (!params || params.length === 0) return tableToRows<T>(await run(sql));
        const stmt = await conn.prepare(sql);
        try {
          return tableToRows<T>(await stmt.query(...params));
        } finally {
          await stmt.close();
        }
      });
    },
    exec(sql: string): Promise<void> {
      return turn(async () => {
        await run(sql);
      });
    },
    async registerFile(name: string, source: FileSource): Promise<string> {
      const target = UPLOAD_DIR + name;
      if (source.kind === 'browser-file') {
        await db.registerFileHandle(
          target,
          source.file,
          duckdb.DuckDBDataProtocol.BROWSER_FILEREADER,
          true,
        );
      } else if (source.kind === 'buffer') {
        await db.registerFileBuffer(target, source.bytes);
      } else {
        throw new Error('A local path cannot be read in the browser.');
      }
      return target;
    },
    async dropFile(target: string): Promise<void> {
      await db.dropFile(target);
    },
    async cancel(): Promise<boolean> {
      return conn.cancelSent();
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      starting = null;
      await conn.close().catch(() => {});
      await db.terminate();
      worker.terminate();
    },
  };
}
