import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE_ENGINES, openNodeEngine } from '../../src/db/node-engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import { sqlIdent, sqlString } from '../../src/db/engine.ts';

describe.each(NODE_ENGINES)('node engine: %s', (kind) => {
  let engine: Engine;
  let allowed: string;
  let other: string;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'surgescope-engine-'));
    allowed = path.join(dir, 'allowed.csv');
    other = path.join(dir, 'other.csv');
    writeFileSync(allowed, 'a,b\n1,x\n2,y\n');
    writeFileSync(other, 'a,b\n3,z\n');
    engine = await openNodeEngine({ allowedPaths: [allowed], engine: kind });
  });
  afterAll(async () => engine.close());

  it('runs queries and converts BigInt to number', async () => {
    const rows = await engine.query<{ n: number; s: string }>(
      "SELECT count(*) AS n, 'ok' AS s FROM range(5)",
    );
    expect(rows).toEqual([{ n: 5, s: 'ok' }]);
    expect(typeof rows[0]?.n).toBe('number');
  });

  it('binds parameters instead of pasting text into SQL', async () => {
    const evil = "x'; DROP TABLE t; --";
    const rows = await engine.query<{ v: string; n: number }>('SELECT ? AS v, ? + 1 AS n', [
      evil,
      41,
    ]);
    expect(rows).toEqual([{ v: evil, n: 42 }]);
  });

  it('quotes identifiers and literals with one helper each', async () => {
    const rows = await engine.query(`SELECT ${sqlString("it's")} AS ${sqlIdent('we"ird col')}`);
    expect(rows).toEqual([{ 'we"ird col': "it's" }]);
  });

  it('reads allowed paths and registered buffers, refuses everything else', async () => {
    const a = await engine.registerFile('x.csv', { kind: 'path', path: allowed });
    expect(await engine.query(`SELECT count(*)::INT AS n FROM read_csv(${sqlString(a)})`)).toEqual([
      { n: 2 },
    ]);
    const b = await engine.registerFile('buf.csv', {
      kind: 'buffer',
      bytes: new TextEncoder().encode('a\n1\n2\n3\n'),
    });
    expect(await engine.query(`SELECT count(*)::INT AS n FROM read_csv(${sqlString(b)})`)).toEqual([
      { n: 3 },
    ]);
    await expect(engine.query(`SELECT * FROM read_csv(${sqlString(other)})`)).rejects.toThrow(
      /Permission/,
    );
    await expect(
      engine.query("SELECT * FROM read_csv('https://example.com/data.csv')"),
    ).rejects.toThrow(/Permission/);
  });

  it('keeps the configuration locked and extensions off', async () => {
    await expect(engine.exec('SET enable_external_access = true')).rejects.toThrow(/locked/);
    await expect(engine.exec('SET autoload_known_extensions = true')).rejects.toThrow(/locked/);
    // Native DuckDB has ICU built in; neither engine may fetch an extension.
    await expect(engine.exec('LOAD spatial')).rejects.toThrow();
    if (kind === 'wasm') await expect(engine.exec('LOAD icu')).rejects.toThrow();
  });
});
