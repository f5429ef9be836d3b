/**
 * The browser's stored copy (store.ts) on duckdb-wasm's node build, with a second in-memory
 * database standing in for the OPFS store: save, restore with large tables read in place, the
 * background copy that makes them real tables, and saves that never lose a table read in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import { finishRestore, restoreFromStore, saveToStore } from '../../src/db/store.ts';
import { readSetting, saveSetting } from '../../src/ingest/app-state.ts';

const kinds = async (engine: Engine, catalog: string) =>
  Object.fromEntries(
    (
      await engine.query<{ name: string; kind: string }>(
        `SELECT table_name AS name, table_type AS kind FROM information_schema.tables
         WHERE table_catalog = ? AND table_schema = 'main' ORDER BY 1`,
        [catalog],
      )
    ).map((r) => [r.name, r.kind]),
  );

const digest = async (engine: Engine, table: string) =>
  (
    await engine.query<{ n: number; h: string }>(
      `SELECT CAST(count(*) AS BIGINT) AS n, CAST(sum(hash(t)) AS VARCHAR) AS h FROM ${table} t`,
    )
  )[0];

describe('stored copy of the workspace', () => {
  let base: Engine;
  let engine: Engine;
  beforeEach(async () => {
    base = await openNodeEngine({ allowedPaths: [], engine: 'wasm' });
    await base.exec("ATTACH ':memory:' AS st; ATTACH ':memory:' AS work (COMPRESS); USE work");
    engine = Object.assign(Object.create(base) as Engine, { store: 'st' });
    await engine.exec(
      `CREATE TABLE posts AS SELECT 'u' || (i % 5000) AS user_id, i AS n FROM range(450000) r(i)`,
    );
    await engine.exec(`CREATE TABLE files AS SELECT 1 AS file_id, 'a.csv' AS name`);
  });
  afterEach(async () => base.close());

  it('keeps settings writable after a restore (the copy has no primary key)', async () => {
    await saveSetting(engine, 'view', 'a');
    await saveToStore(engine, null, () => {});
    await engine.exec('DROP TABLE posts; DROP TABLE files; DROP TABLE app_state');
    expect(await restoreFromStore(engine)).toBe(true);
    expect(await readSetting(engine, 'view')).toBe('a');
    await saveSetting(engine, 'view', 'b');
    await saveSetting(engine, 'view', 'c');
    expect(await readSetting(engine, 'view')).toBe('c');
    expect(
      (await engine.query<{ n: number }>('SELECT CAST(count(*) AS INT) AS n FROM app_state'))[0]?.n,
    ).toBe(1);
  });

  it('saves every table and restores the large ones in place, then copies them', async () => {
    const before = { posts: await digest(engine, 'posts'), files: await digest(engine, 'files') };
    const progress: string[] = [];
    await saveToStore(engine, null, (p) => progress.push(`${p.done}/${p.total}`));
    expect(progress.at(-1)).toBe('2/2');
    expect(await kinds(engine, 'st')).toEqual({ files: 'BASE TABLE', posts: 'BASE TABLE' });

    // A new session: the working database starts empty.
    await engine.exec('DROP TABLE posts; DROP TABLE files');
    expect(await restoreFromStore(engine)).toBe(true);
    expect(await kinds(engine, 'work')).toEqual({ files: 'BASE TABLE', posts: 'VIEW' });
    expect(await digest(engine, 'posts')).toEqual(before.posts);

    await finishRestore(engine);
    expect(await kinds(engine, 'work')).toEqual({ files: 'BASE TABLE', posts: 'BASE TABLE' });
    expect(await digest(engine, 'posts')).toEqual(before.posts);
    expect(await digest(engine, 'files')).toEqual(before.files);
    // Nothing left to copy.
    await expect(finishRestore(engine, true)).resolves.toBeUndefined();
  });

  it('never drops a stored table the working database still reads in place', async () => {
    await saveToStore(engine);
    await engine.exec('DROP TABLE posts; DROP TABLE files');
    await restoreFromStore(engine);
    await engine.exec('CREATE TABLE app_state AS SELECT 1 AS k');
    await saveToStore(engine);
    expect(await kinds(engine, 'st')).toEqual({
      app_state: 'BASE TABLE',
      files: 'BASE TABLE',
      posts: 'BASE TABLE',
    });
    await finishRestore(engine, true);
    expect((await digest(engine, 'posts'))?.n).toBe(450000);
  });

  it('drops the copies a save cut short left behind', async () => {
    await saveToStore(engine);
    await engine.exec('CREATE TABLE st.main.posts__new AS SELECT 1 AS x');
    await engine.exec('DROP TABLE posts; DROP TABLE files');
    await restoreFromStore(engine);
    expect(Object.keys(await kinds(engine, 'st'))).toEqual(['files', 'posts']);
    await finishRestore(engine, true);
  });
});
