/**
 * duckdb-wasm in the browser: AsyncDuckDB in its own Web Worker, with the .wasm and worker
 * files served by Vite from the app itself (no CDN: the app works offline). One promise owns
 * the start, so concurrent callers share one database.
 *
 * Storage: the database lives in the browser's private storage (OPFS) when it can, so a reload
 * or a new tab finds the data again. One tab at a time holds it (a Web Lock; OPFS files take
 * exclusive handles): another tab is told so and works in memory, and can ask for the stored
 * data, which the holding tab then hands over. Without OPFS the data lives in memory only, and
 * the app says so.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { Table } from 'apache-arrow';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { OWN_TABLES, START_SQL, UPLOAD_DIR, lockDownSql, sqlIdent, tableToRows } from './engine.ts';
import type { Engine, FileSource, Row, RunOptions, SqlParam } from './engine.ts';
import { createLanes } from './lanes.ts';
import { inWorker } from './worker-clock.ts';

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
};

export const DB_FILE = 'surgescope.db';
/** How long the foreground must have been quiet before background statements run. */
const PAUSE_MS = 800;
const DB_PATH = `opfs://${DB_FILE}`;
const LOCK = 'surgescope-database';
const CHANNEL = 'surgescope-database';

/** Where the data lives, and why when it is not kept. */
export type Storage =
  | { persistent: true }
  | {
      persistent: false;
      reason: 'unavailable' | 'open-elsewhere' | 'handed-over';
      detail?: string;
    };

let starting: Promise<Engine> | null = null;
let storage: Storage = { persistent: false, reason: 'unavailable' };
let releaseLock: (() => void) | null = null;
const storageListeners = new Set<(s: Storage) => void>();

export function currentStorage(): Storage {
  return storage;
}

export function onStorageChange(listener: (s: Storage) => void): () => void {
  storageListeners.add(listener);
  return () => storageListeners.delete(listener);
}

function setStorage(next: Storage) {
  storage = next;
  for (const l of storageListeners) l(next);
}

/** The app's one database, started on first use. */
export function browserEngine(): Promise<Engine> {
  starting ??= openBrowserEngine().catch((err: unknown) => {
    starting = null;
    throw err;
  });
  return starting;
}

/** Hold the database lock for the life of the tab, if no other tab holds it. */
function takeLock(): Promise<boolean> {
  if (!('locks' in navigator)) return Promise.resolve(true);
  return new Promise((resolve) => {
    void navigator.locks
      .request(LOCK, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>((release) => {
          releaseLock = release;
        });
      })
      .catch(() => resolve(false));
  });
}

const opfsAvailable = () =>
  typeof isSecureContext !== 'undefined' &&
  isSecureContext &&
  typeof navigator.storage?.getDirectory === 'function';

/** Statement timings on the console, for diagnosing where time goes (sessionStorage flag). */
const tracing = () => {
  try {
    return sessionStorage.getItem('surgescope:trace') === '1';
  } catch {
    return false;
  }
};

/** Tests and benchmarks can ask for an in-memory database (sessionStorage, per tab). */
const memoryOnly = () => {
  try {
    return sessionStorage.getItem('surgescope:storage') === 'memory';
  } catch {
    return false;
  }
};

async function start(bundle: duckdb.DuckDBBundle, config: duckdb.DuckDBConfig) {
  const worker = new Worker(bundle.mainWorker as string);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  try {
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    await db.open(config);
    return { db, worker };
  } catch (err) {
    await db.terminate().catch(() => {});
    worker.terminate();
    throw err;
  }
}

async function openBrowserEngine(): Promise<Engine> {
  if (typeof Worker === 'undefined')
    throw new Error('This browser has no Web Workers; Surgescope needs them to run DuckDB.');
  const bundle = await duckdb.selectBundle(BUNDLES);
  const query = { castBigIntToDouble: false };
  let opened: Awaited<ReturnType<typeof start>> | null = null;
  let persistent = false;
  if (!opfsAvailable() || memoryOnly()) {
    setStorage({
      persistent: false,
      reason: 'unavailable',
      detail: memoryOnly()
        ? 'in-memory mode was asked for'
        : 'this browser gives the page no private file storage (OPFS)',
    });
  } else if (!(await takeLock())) {
    setStorage({ persistent: false, reason: 'open-elsewhere' });
  } else {
    try {
      opened = await start(bundle, {
        path: DB_PATH,
        accessMode: duckdb.DuckDBAccessMode.READ_WRITE,
        query,
      });
      persistent = true;
      setStorage({ persistent: true });
    } catch (err) {
      releaseLock?.();
      releaseLock = null;
      setStorage({
        persistent: false,
        reason: 'unavailable',
        detail: err instanceof Error ? err.message.split('\n')[0] : String(err),
      });
    }
  }
  opened ??= await start(bundle, { query });
  const { db, worker } = opened;
  try {
    const conn = await db.connect();
    let store: string | null = null;
    if (persistent) {
      // The analyst works on an in-memory database; the stored one beside it is written in the
      // background (store.ts). Writing to the browser's storage costs about twice the read of a
      // file, so loads stay at the engine's in-memory pace and the copy follows.
      const rows = await conn.query('SELECT current_database() AS name');
      store = String(rows.toArray()[0]?.toJSON().name ?? '');
    }
    // Two in-memory working databases, one compressed like a stored one: wasm gives the engine
    // about 3 GiB, and uncompressed tables of 24M posts do not leave room to build the
    // pre-aggregates; but compression costs a load of 10M posts about 10 s (25.7 s against
    // 15.9 s). `sizeFor` picks one by the size of the data before it is loaded.
    await conn.query(`ATTACH ':memory:' AS ${PLAIN}`);
    await conn.query(`ATTACH ':memory:' AS ${COMPRESSED} (COMPRESS)`);
    await conn.query(`USE ${PLAIN}`);
    // duckdb-wasm 1.32 never resets its write-ahead log after a checkpoint: writes after one are
    // lost unless another checkpoint follows. Only store.ts writes to the store, and every one of
    // its write batches ends with CHECKPOINT (the working database is in memory: no log).
    for (const sql of [...START_SQL, ...lockDownSql({ directories: [UPLOAD_DIR], paths: [] })]) {
      await conn.query(sql);
    }
    const engine = wrap(db, conn, worker, store);
    if (persistent) listenForHandover(engine);
    return engine;
  } catch (err) {
    await db.terminate().catch(() => {});
    worker.terminate();
    throw err;
  }
}

/**
 * Another tab asks for the stored data: this tab closes its database (everything is already
 * checkpointed) and releases the lock; it keeps working on nothing until reloaded.
 */
function listenForHandover(engine: Engine) {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent) => {
    if (e.data !== 'hand-over') return;
    channel.close();
    void engine.close().then(() => {
      releaseLock?.();
      releaseLock = null;
      const gone = Promise.reject(
        new Error('The stored data moved to another tab. Reload this tab to take it back.'),
      );
      gone.catch(() => {});
      starting = gone;
      setStorage({ persistent: false, reason: 'handed-over' });
      const reply = new BroadcastChannel(CHANNEL);
      reply.postMessage('handed-over');
      reply.close();
    });
  };
}

/**
 * Ask the tab holding the stored data to hand it over; resolves true when it did (the caller
 * then reloads to open it).
 */
export function requestHandover(timeoutMs = 5000): Promise<boolean> {
  if (typeof BroadcastChannel === 'undefined') return Promise.resolve(false);
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(CHANNEL);
    const timer = setTimeout(() => {
      channel.close();
      resolve(false);
    }, timeoutMs);
    channel.onmessage = (e: MessageEvent) => {
      if (e.data !== 'handed-over') return;
      clearTimeout(timer);
      channel.close();
      resolve(true);
    };
    channel.postMessage('hand-over');
  });
}

/**
 * Bytes the stored database takes, or null without OPFS. The origin's own usage (it keeps
 * nothing else there): reading the size of a file the engine holds open fails once it is large.
 */
export async function storedBytes(): Promise<number | null> {
  if (!opfsAvailable()) return null;
  try {
    const estimate = (await navigator.storage.estimate()) as StorageEstimate & {
      usageDetails?: { fileSystem?: number };
    };
    return estimate.usageDetails?.fileSystem ?? estimate.usage ?? null;
  } catch {
    return null;
  }
}

/** The working databases: plain (the default) and compressed (for large data). */
const PLAIN = 'work';
const COMPRESSED = 'work_z';
/**
 * CSV bytes from which the working database is compressed: 10M posts (544 MB) load in the plain
 * one; 24M posts (1.1 GB) need the compressed one to build their pre-aggregates. The stored
 * database is about a third of the CSV size.
 */
export const COMPRESS_FROM_BYTES = 800 * 1024 * 1024;

function wrap(
  db: duckdb.AsyncDuckDB,
  conn: duckdb.AsyncDuckDBConnection,
  worker: Worker,
  store: string | null,
): Engine {
  let closed = false;
  // One connection serves the app; statements take turns so a streamed result is never cut off
  // (lanes.ts: the analyst's statements first, background ones in the pauses).
  const lanes = createLanes({ pauseMs: PAUSE_MS, cancel: () => conn.cancelSent() });
  const trace = tracing();
  const turn = <T>(work: () => Promise<T>, sql = '', options: RunOptions = {}): Promise<T> => {
    if (!trace) return lanes.run(work, options);
    const t0 = performance.now();
    return lanes.run(work, options).finally(() => {
      const bg =
        typeof options.background === 'function' ? options.background() : options.background;
      console.debug(
        `[sql ${Math.round(performance.now() - t0)} ms${bg ? ' bg' : ''}] ${sql.replace(/\s+/g, ' ').slice(0, Number(sessionStorage.getItem('surgescope:trace-len')) || 160)}`,
      );
    });
  };
  // Statements run through `send` so that a long one (a 10M-row CSV read) can be cancelled.
  const run = (sql: string): Promise<Table> =>
    inWorker(async () => {
      if (closed) throw new Error('The database is closed.');
      const reader = await conn.send(sql, true);
      const batches = [];
      for await (const batch of reader) batches.push(batch);
      return new Table(batches);
    });
  return {
    kind: 'browser',
    store,
    query<T extends Row = Row>(
      sql: string,
      params?: readonly SqlParam[],
      options?: RunOptions,
    ): Promise<T[]> {
      return turn(
        async () => {
          if (!params || params.length === 0) return tableToRows<T>(await run(sql));
          if (closed) throw new Error('The database is closed.');
          const stmt = await conn.prepare(sql);
          try {
            return tableToRows<T>(await inWorker(() => stmt.query(...params)));
          } finally {
            await stmt.close();
          }
        },
        sql,
        options,
      );
    },
    exec(sql: string, options?: RunOptions): Promise<void> {
      return turn(
        async () => {
          await run(sql);
        },
        sql,
        options,
      );
    },
    sizeFor(csvBytes: number): Promise<void> {
      return turn(async () => {
        const want = csvBytes >= COMPRESS_FROM_BYTES ? COMPRESSED : PLAIN;
        const value = async (sql: string) =>
          (await run(sql)).toArray().map((r) => r.toJSON() as Record<string, unknown>);
        const from = String((await value('SELECT current_database() AS name'))[0]?.name ?? '');
        if (from === want) return;
        // Only an empty workspace moves: its (empty) tables and the app's settings go along.
        const tables = await value(
          `SELECT table_name AS name, table_type AS kind FROM information_schema.tables
            WHERE ${OWN_TABLES}`,
        );
        const names = tables.map((t) => String(t.name));
        if (tables.some((t) => t.kind !== 'BASE TABLE')) return;
        for (const t of names) {
          if (t === 'app_state') continue;
          const rows = await value(`SELECT count(*) > 0 AS any FROM ${from}.main.${sqlIdent(t)}`);
          if (rows[0]?.any) return; // data loaded: it stays where it is
        }
        for (const t of names) {
          await run(
            `CREATE OR REPLACE TABLE ${want}.main.${sqlIdent(t)} AS SELECT * FROM ${from}.main.${sqlIdent(t)}`,
          );
          await run(`DROP TABLE ${from}.main.${sqlIdent(t)}`);
        }
        await run(`USE ${want}`);
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
        // The buffer is transferred to the worker: hand it a copy, so that the caller's bytes stay
        // readable (the sample's rejects are located in them afterwards).
        await db.registerFileBuffer(target, source.bytes.slice());
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
      await lanes.idle();
      closed = true;
      starting = null;
      await conn.close().catch(() => {});
      await db.terminate();
      worker.terminate();
    },
  };
}
