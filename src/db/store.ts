/**
 * The browser's stored copy of the workspace. The analyst works on an in-memory database (loads
 * run at the engine's in-memory pace); after a change its tables are copied into the stored
 * database beside it (OPFS), in the background and in chunks, so clicks never wait long behind
 * the copy. Each table is written under a new name and swapped in with one transaction, so a tab
 * closed mid-copy leaves the previous copy whole. Opening the app copies the stored tables back.
 */
import { sqlIdent } from './engine.ts';
import type { Engine } from './engine.ts';

/** Rows per background statement: a few hundred milliseconds of work at most. */
const CHUNK = 250_000;
const NEW = '__new';

const q = (catalog: string, table: string) => `${sqlIdent(catalog)}.main.${sqlIdent(table)}`;

async function tablesOf(engine: Engine, catalog: string): Promise<string[]> {
  const rows = await engine.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_catalog = ? AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1`,
    [catalog],
  );
  return rows.map((r) => r.name);
}

export interface SaveProgress {
  table: string;
  done: number;
  total: number;
}

/**
 * Copy the working tables (all, or the ones named) into the store, and drop stored tables the
 * workspace no longer has. Background priority throughout.
 */
export async function saveToStore(
  engine: Engine,
  only: readonly string[] | null = null,
  onProgress?: (p: SaveProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const store = engine.store;
  if (!store) return;
  const bg = { background: true, signal };
  const work = (await engine.query<{ name: string }>('SELECT current_database() AS name'))[0]?.name;
  if (!work) return;
  const tables = await tablesOf(engine, work);
  const chosen = only ? tables.filter((t) => only.includes(t)) : tables;
  const total = chosen.length;
  for (const [i, t] of chosen.entries()) {
    onProgress?.({ table: t, done: i, total });
    await engine.exec(
      `CREATE OR REPLACE TABLE ${q(store, t + NEW)} AS SELECT * FROM ${q(work, t)} LIMIT 0`,
      bg,
    );
    const span = await engine.query<{ lo: number | null; hi: number | null }>(
      `SELECT CAST(min(rowid) AS BIGINT) AS lo, CAST(max(rowid) AS BIGINT) AS hi FROM ${q(work, t)}`,
      [],
      bg,
    );
    const lo = span[0]?.lo;
    const hi = span[0]?.hi;
    if (lo != null && hi != null) {
      for (let a = lo; a <= hi; a += CHUNK)
        await engine.exec(
          `INSERT INTO ${q(store, t + NEW)} SELECT * FROM ${q(work, t)} WHERE rowid >= ${a} AND rowid < ${a + CHUNK}`,
          // One statement on its own: a click may cancel it, and it runs again afterwards.
          { ...bg, restartable: true },
        );
    }
  }
  // One transaction swaps every new copy in and drops what the workspace no longer has.
  const stored = await tablesOf(engine, store);
  // A table still read in place from the store (a view of it, after a reload) is not gone.
  const reading = inPlace?.tables ?? [];
  const gone = only
    ? []
    : stored.filter((t) => !t.endsWith(NEW) && !tables.includes(t) && !reading.includes(t));
  const swap = [
    'BEGIN TRANSACTION',
    ...chosen.flatMap((t) => [
      `DROP TABLE IF EXISTS ${q(store, t)}`,
      `ALTER TABLE ${q(store, t + NEW)} RENAME TO ${sqlIdent(t)}`,
    ]),
    ...gone.map((t) => `DROP TABLE IF EXISTS ${q(store, t)}`),
    'COMMIT',
  ];
  await engine.exec(swap.join(';\n'), bg);
  await engine.exec(`CHECKPOINT ${sqlIdent(store)}`, bg);
  onProgress?.({ table: '', done: total, total });
}

/** Stored tables with more rows are read in place at first, and copied in the background. */
const IN_PLACE_ROWS = 200_000;
const COPY = '__copy';

/** Large stored tables the working database still reads in place (views), in copy order. */
let inPlace: { work: string; store: string; tables: string[] } | null = null;
let copying: Promise<void> | null = null;
let urgent = false;

/**
 * Bring the stored tables into the working database (at start). Small ones are copied; large
 * ones (the posts, the signups, the post cube) are views of the stored tables at first, so the
 * views draw within seconds instead of after a copy of every row (24 s for 9M posts), and are
 * copied in the background by `finishRestore`. Copies left by a save that did not finish are
 * dropped. Returns whether anything was stored.
 */
export async function restoreFromStore(
  engine: Engine,
  onProgress?: (p: SaveProgress) => void,
): Promise<boolean> {
  const store = engine.store;
  if (!store) return false;
  const work = (await engine.query<{ name: string }>('SELECT current_database() AS name'))[0]?.name;
  if (!work) return false;
  const stored = await tablesOf(engine, store);
  const leftovers = stored.filter((x) => x.endsWith(NEW));
  for (const t of leftovers) await engine.exec(`DROP TABLE IF EXISTS ${q(store, t)}`);
  if (leftovers.length) await engine.exec(`CHECKPOINT ${sqlIdent(store)}`);
  const tables = stored.filter((x) => !x.endsWith(NEW));
  const large: string[] = [];
  for (const [i, t] of tables.entries()) {
    onProgress?.({ table: t, done: i, total: tables.length });
    const rows = await engine.query<{ n: number }>(
      `SELECT CAST(count(*) AS BIGINT) AS n FROM ${q(store, t)}`,
    );
    if ((rows[0]?.n ?? 0) > IN_PLACE_ROWS) {
      await engine.exec(`CREATE OR REPLACE VIEW ${q(work, t)} AS SELECT * FROM ${q(store, t)}`);
      large.push(t);
    } else {
      await engine.exec(`CREATE OR REPLACE TABLE ${q(work, t)} AS SELECT * FROM ${q(store, t)}`);
    }
  }
  inPlace = large.length ? { work, store, tables: large } : null;
  return tables.includes('files');
}

/**
 * Copy the tables still read in place into the working database: in the background (each copy
 * one restartable statement), or at once with `now` (before anything changes the data: the
 * working tables must be real tables by then).
 */
export function finishRestore(engine: Engine, now = false): Promise<void> {
  if (now) urgent = true;
  if (copying) return copying;
  const job = inPlace;
  if (!job) return Promise.resolve();
  const lane = { background: () => !urgent };
  copying = (async () => {
    while (job.tables.length > 0) {
      const t = job.tables[0] as string;
      await engine.exec(
        `CREATE OR REPLACE TABLE ${q(job.work, t + COPY)} AS SELECT * FROM ${q(job.store, t)}`,
        { ...lane, restartable: true },
      );
      await engine.exec(
        [
          'BEGIN TRANSACTION',
          `DROP VIEW ${q(job.work, t)}`,
          `ALTER TABLE ${q(job.work, t + COPY)} RENAME TO ${sqlIdent(t)}`,
          'COMMIT',
        ].join(';\n'),
        lane,
      );
      job.tables.shift();
    }
    inPlace = null;
  })().finally(() => {
    copying = null;
    urgent = false;
  });
  return copying;
}

/** Empty the store (Clear data). */
export async function clearStore(engine: Engine): Promise<void> {
  const store = engine.store;
  if (!store) return;
  for (const t of await tablesOf(engine, store))
    await engine.exec(`DROP TABLE IF EXISTS ${q(store, t)}`);
  await engine.exec(`CHECKPOINT ${sqlIdent(store)}`);
}
