/**
 * The raw duckdb-wasm reference page of `npm run bench`: the same engine build and bundle the
 * app uses, in a worker, reading the dropped files plainly (see reference-sql.ts). Exposes
 * `window.rawBench(files, columns)` returning its timings.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { referenceLoadSql, referenceQueries } from './reference-sql.ts';
import type { RefColumns } from './reference-sql.ts';

interface Roles {
  signups: Omit<RefColumns, 'table'>[];
  posts: (Omit<RefColumns, 'table'> & { category: string })[];
}

async function rawBench(files: File[], roles: Roles) {
  const t0 = performance.now();
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
    eh: { mainModule: ehWasm, mainWorker: ehWorker },
  });
  const worker = new Worker(bundle.mainWorker as string);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  await db.open({});
  const conn = await db.connect();
  const started = performance.now() - t0;
  const t1 = performance.now();
  const signups: RefColumns[] = [];
  const posts: (RefColumns & { category: string })[] = [];
  for (const [i, file] of files.entries()) {
    const path = `/raw/${file.name}`;
    await db.registerFileHandle(path, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    await conn.query(referenceLoadSql(path, `t${i}`));
    const isSignups = file.name.startsWith('signups');
    const r = isSignups ? roles.signups.shift() : roles.posts.shift();
    if (r && isSignups) signups.push({ table: `t${i}`, ...(r as Roles['signups'][number]) });
    else if (r) posts.push({ table: `t${i}`, ...(r as Roles['posts'][number]) });
  }
  const load = performance.now() - t1;
  const t2 = performance.now();
  for (const sql of referenceQueries(signups, posts)) await conn.query(sql);
  const queries = performance.now() - t2;
  await db.terminate();
  worker.terminate();
  return { started, load, queries };
}

(window as unknown as { rawBench: typeof rawBench }).rawBench = rawBench;
