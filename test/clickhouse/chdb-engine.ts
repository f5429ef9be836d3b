/**
 * A current ClickHouse release in-process: chdb (npm, embedded ClickHouse 26.x) as an Engine in
 * the ClickHouse dialect, so the suite checks the same SQL on a current release as on Debian's
 * 18.16 cluster. chdb is large (about 550 MB), so it is not a dependency of the project: .ci/run
 * installs it in a folder of its own (`npm install --prefix DIR chdb@3.4.0`) and names that
 * package in CHDB_MODULE (DIR/node_modules/chdb); the suite skips its test without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Row, SqlParam } from '../../src/db/engine.ts';
import { inlineParams } from '../../src/db/clickhouse-engine.ts';
import type { ClickHouseEngine } from '../../src/db/clickhouse-engine.ts';

export const CHDB_VERSION = '3.4.0';

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup(): void;
}
interface ChdbModule {
  Session: new (path?: string) => ChdbSession;
}

/** Where chdb is installed: CHDB_MODULE (its package folder), else the project's own modules. */
function chdbSpecifier(): string {
  const dir = process.env.CHDB_MODULE;
  return dir ? pathToFileURL(path.join(dir, 'index.mjs')).href : 'chdb';
}

/** chdb's module, or null when it is not installed. */
export async function loadChdb(): Promise<ChdbModule | null> {
  try {
    // A name in a variable: chdb is not a dependency, so the type checker must not look for it.
    const specifier = chdbSpecifier();
    return (await import(specifier)) as ChdbModule;
  } catch {
    return null;
  }
}

/** An Engine over a fresh chdb session (its own temporary database directory). */
export function openChdbEngine(chdb: ChdbModule): ClickHouseEngine {
  const session = new chdb.Session();
  const files = mkdtempSync(path.join(tmpdir(), 'surgescope-chdb-'));
  let n = 0;
  // The settings the HTTP engine sends with every request, for the session.
  session.query('SET join_use_nulls = 1');
  session.query('SET output_format_json_quote_64bit_integers = 0');
  return {
    kind: 'clickhouse',
    dialect: 'clickhouse',
    url: 'chdb',
    async query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
      const text = session.query(inlineParams(sql, params), 'JSONEachRow');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as T);
    },
    async exec(sql: string): Promise<void> {
      session.query(sql);
    },
    async insert(sql, body) {
      // chdb reads a file for an INSERT: the body goes through one.
      const file = path.join(files, `insert-${n++}.csv`);
      const chunks: Uint8Array[] = [];
      if (body instanceof Uint8Array) chunks.push(body);
      else
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
      await writeFile(file, chunks);
      const m = /^(INSERT INTO .*?)\s+FORMAT (\w+)$/s.exec(sql);
      if (!m) throw new Error(`Not an INSERT … FORMAT statement: ${sql.slice(0, 80)}`);
      session.query(`${m[1]} FROM INFILE '${file}' FORMAT ${m[2]}`);
      rmSync(file, { force: true });
    },
    registerFile: () => Promise.reject(new Error('chdb reads no registered files')),
    async dropFile() {},
    async cancel() {
      return false;
    },
    async close() {
      session.cleanup();
      rmSync(files, { recursive: true, force: true });
    },
  };
}
