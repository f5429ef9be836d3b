/**
 * Implausible timestamps (plausible.ts): rows dated outside 2000-01-01..2099-12-31 UTC load and
 * are counted (accounting unchanged), the file's report lists how many and on which lines, the
 * dataset's ends ignore them, and a signup keeps its earliest plausible time over a sentinel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles, removeFile } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import { ingestJson } from '../../src/ingest/report.ts';
import { expectAccounting, expectFile, utc } from './helpers.ts';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const SIGNUPS = [
  'user_id,signup_at',
  'a,2025-01-14T08:00:00Z', // line 2
  'b,0001-01-01T00:00:00Z', // 3: implausible
  'c,9999-12-31T23:59:59Z', // 4: implausible
  'd,0', // 5: epoch 0 = 1970-01-01, implausible
  'e,1999-12-31T23:59:59Z', // 6: one second early, implausible
  'f,2000-01-01T00:00:00Z', // 7: the first plausible instant
  'g,2099-12-31T23:59:59Z', // 8: plausible
  'h,2100-01-01T00:00:00Z', // 9: implausible
  'i,2025-01-20 12:00:00', // 10
  '',
].join('\n');

describe('implausible timestamps', () => {
  it('load, counted and listed by line; the data ends ignore them', async () => {
    engine = await openNodeEngine();
    const r = await ingestFiles(engine, [{ input: bufferInput('s.csv', SIGNUPS) }]);
    expectAccounting(r);
    const f = r.files[0];
    expectFile(f, {
      table: 'signups',
      read: 9,
      loaded: 9,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expect(f?.implausible).toEqual({ rows: 5, lines: [3, 4, 5, 6, 9] });
    expect(r.implausible).toEqual({ signups: 5, posts: 0 });
    expect(r.dataset_start).toBe('2000-01-01T00:00:00Z');
    expect(r.dataset_end).toBe('2099-12-31T23:59:59Z');
    // The file's own first and last say what it holds, sentinels included.
    expect(f?.first).toBe('0001-01-01T00:00:00Z');
    expect(f?.last).toBe('9999-12-31T23:59:59Z');
    // They are stored as read.
    const d = await engine.query("SELECT signup_at FROM signups WHERE user_id = 'd'");
    expect(d).toEqual([{ signup_at: 0 }]);
    const json = ingestJson(r) as { files: Record<string, unknown>[] };
    expect(json.files[0]?.implausible_timestamps).toMatchObject({
      rows: 5,
      lines: [3, 4, 5, 6, 9],
    });
  });

  it('a file of plausible times says nothing about them', async () => {
    engine = await openNodeEngine();
    const r = await ingestFiles(engine, [
      { input: bufferInput('ok.csv', 'user_id,signup_at\nx,2025-01-01T00:00:00Z\n') },
    ]);
    expect(r.files[0]?.implausible).toBeUndefined();
    expect(r.implausible).toEqual({ signups: 0, posts: 0 });
    expect(Object.keys((ingestJson(r) as { files: object[] }).files[0] ?? {})).not.toContain(
      'implausible_timestamps',
    );
  });

  it('the listed lines stop at 20; every row is counted', async () => {
    engine = await openNodeEngine();
    const rows = Array.from({ length: 30 }, (_, i) => `z${i},0`);
    const text = ['user_id,signup_at', 'ok,2025-01-01T00:00:00Z', '', ...rows, ''].join('\n');
    const r = await ingestFiles(engine, [{ input: bufferInput('z.csv', text) }]);
    expect(r.files[0]?.implausible?.rows).toBe(30);
    // Line 3 is blank: the sentinels start on line 4.
    expect(r.files[0]?.implausible?.lines).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));
  });

  it('posts are flagged the same way', async () => {
    engine = await openNodeEngine();
    const r = await ingestFiles(engine, [
      {
        input: bufferInput(
          'p.csv',
          'user_id,created_at,category\nu,2025-01-01T00:00:00Z,a\nu,1970-01-01T00:00:00Z,b\n',
        ),
      },
    ]);
    expect(r.files[0]?.implausible).toEqual({ rows: 1, lines: [3] });
    expect(r.implausible).toEqual({ signups: 0, posts: 1 });
    expect(r.dataset_start).toBe('2025-01-01T00:00:00Z');
  });

  it('naive times in a zone with a 0001-01-01 sentinel: fast, and the rest converted exactly', async () => {
    engine = await openNodeEngine();
    const text = [
      'user_id,signup_at',
      'n1,0001-01-01 00:00:00',
      'n2,2025-07-04 09:00:00',
      'n3,9999-12-31 00:00:00',
      'n4,2025-01-14 09:00:00',
      '',
    ].join('\n');
    const started = Date.now();
    const r = await ingestFiles(engine, [
      { input: bufferInput('ny.csv', text), options: { timeZone: 'America/New_York' } },
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expectAccounting(r);
    expect(r.files[0]?.implausible).toEqual({ rows: 2, lines: [2, 4] });
    const rows = await engine.query<{ user_id: string; signup_at: number }>(
      "SELECT user_id, signup_at FROM signups WHERE user_id IN ('n2', 'n4') ORDER BY user_id",
    );
    expect(rows).toEqual([
      { user_id: 'n2', signup_at: utc(2025, 7, 4, 13) },
      { user_id: 'n4', signup_at: utc(2025, 1, 14, 14) },
    ]);
  });
});

describe('a signup keeps its earliest plausible time', () => {
  const fileA = 'user_id,signup_at,src\nu1,1970-01-01T00:00:00Z,a\nu2,2025-01-05T00:00:00Z,a\n';
  const fileB =
    'user_id,signup_at,src\nu1,2025-01-10T00:00:00Z,b\nu2,0001-01-01T00:00:00Z,b\nu3,0,b\n';
  const times = (e: Engine) =>
    e.query<{ user_id: string; signup_at: number; src: string }>(
      'SELECT user_id, signup_at, src FROM signups ORDER BY user_id',
    );

  it('over a sentinel loaded before or after it; the first row keeps its columns', async () => {
    engine = await openNodeEngine();
    const r = await ingestFiles(engine, [
      { input: bufferInput('a.csv', fileA) },
      { input: bufferInput('b.csv', fileB) },
    ]);
    expectAccounting(r);
    expect(r.files[1]?.duplicates).toBe(2);
    // Every row's own time is judged: a's u1 and b's u2 and u3.
    expect(r.files[0]?.implausible).toEqual({ rows: 1, lines: [2] });
    expect(r.files[1]?.implausible).toEqual({ rows: 2, lines: [3, 4] });
    expect(await times(engine)).toEqual([
      { user_id: 'u1', signup_at: utc(2025, 1, 10), src: 'a' },
      { user_id: 'u2', signup_at: utc(2025, 1, 5), src: 'a' },
      // No plausible copy: the earliest stays.
      { user_id: 'u3', signup_at: 0, src: 'b' },
    ]);
  });

  it('removing the file with the plausible copy brings the sentinel back', async () => {
    engine = await openNodeEngine();
    const r = await ingestFiles(engine, [
      { input: bufferInput('b.csv', fileB) },
      { input: bufferInput('a.csv', fileA) },
    ]);
    expect(await times(engine)).toEqual([
      { user_id: 'u1', signup_at: utc(2025, 1, 10), src: 'b' },
      { user_id: 'u2', signup_at: utc(2025, 1, 5), src: 'b' },
      { user_id: 'u3', signup_at: 0, src: 'b' },
    ]);
    await removeFile(engine, r.files[0]?.file_id as number);
    expect(await times(engine)).toEqual([
      { user_id: 'u1', signup_at: 0, src: 'a' },
      { user_id: 'u2', signup_at: utc(2025, 1, 5), src: 'a' },
    ]);
    // Loading it again: the plausible copy wins once more, with a's columns.
    await ingestFiles(engine, [{ input: bufferInput('b.csv', fileB) }]);
    expect(await times(engine)).toEqual([
      { user_id: 'u1', signup_at: utc(2025, 1, 10), src: 'a' },
      { user_id: 'u2', signup_at: utc(2025, 1, 5), src: 'a' },
      { user_id: 'u3', signup_at: 0, src: 'b' },
    ]);
  });
});
