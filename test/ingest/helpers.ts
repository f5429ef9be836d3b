/** Shared helpers for the ingest tests: fixture paths, a fresh engine, the accounting checks. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import type { FileOptions } from '../../src/ingest/load.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import type { FileReport, IngestReport } from '../../src/ingest/report.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/ingest/', import.meta.url));

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

function allFixtures(dir: string = FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFixtures(full) : [full];
  });
}

/** A fresh in-memory engine that may read every fixture file by path. */
export function freshEngine(): Promise<Engine> {
  return openNodeEngine({ allowedPaths: allFixtures() });
}

export type Item = string | [string, FileOptions];

/** Ingest fixture files (by name, in order) and check the accounting of every file. */
export async function ingestFixtures(engine: Engine, items: Item[]): Promise<IngestReport> {
  const report = await ingestFiles(
    engine,
    items.map((it) => {
      const [name, options] = typeof it === 'string' ? [it, undefined] : it;
      return { input: pathInput(fixture(name)), ...(options ? { options } : {}) };
    }),
  );
  expectAccounting(report);
  return report;
}

/** rows_read = rows_loaded + rows_rejected + duplicates, and every reject is listed once. */
export function expectAccounting(report: IngestReport): void {
  for (const f of report.files) {
    expect(f.rows_read, `${f.file}: rows_read = loaded + rejected + duplicates`).toBe(
      f.rows_loaded + f.rows_rejected + f.duplicates,
    );
    expect(f.rejects.length, `${f.file}: every reject listed`).toBe(f.rows_rejected);
    for (const r of f.rejects) {
      expect(Number.isInteger(r.line) && r.line >= 2, `${f.file}: reject line ${r.line}`).toBe(
        true,
      );
      expect(r.reason.trim().length, `${f.file}: reject reason`).toBeGreaterThan(0);
    }
    const lines = f.rejects.map((r) => r.line);
    expect(lines, `${f.file}: rejects in line order`).toEqual([...lines].sort((a, b) => a - b));
  }
}

export interface Expected {
  file?: string;
  table: 'signups' | 'posts';
  read: number;
  loaded: number;
  rejected: number;
  duplicates: number;
  lines: number[];
  error?: boolean;
}

/** Exact counts and reject lines of one file. */
export function expectFile(f: FileReport | undefined, e: Expected): void {
  expect(f).toBeDefined();
  if (!f) return;
  const label = f.file;
  if (e.file !== undefined) expect(f.file).toBe(e.file);
  expect(f.table, `${label}: table`).toBe(e.table);
  expect(
    {
      read: f.rows_read,
      loaded: f.rows_loaded,
      rejected: f.rows_rejected,
      duplicates: f.duplicates,
      lines: f.rejects.map((r) => r.line),
    },
    `${label}: counts and reject lines`,
  ).toEqual({
    read: e.read,
    loaded: e.loaded,
    rejected: e.rejected,
    duplicates: e.duplicates,
    lines: e.lines,
  });
  if (e.error) expect(f.error, `${label}: error`).toEqual(expect.any(String));
  else expect(f.error, `${label}: no error`).toBeUndefined();
}

/** The reason of the reject on `line`. */
export function reasonAt(f: FileReport | undefined, line: number): string {
  return f?.rejects.find((r) => r.line === line)?.reason ?? '';
}

/** Epoch ms of a UTC wall-clock time (month 1-based), written out by hand in the tests. */
export function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/** The loaded signups, in user order. */
export function signupRows(engine: Engine) {
  return engine.query<{ user_id: string; signup_at: number }>(
    'SELECT user_id, signup_at FROM signups ORDER BY user_id',
  );
}
