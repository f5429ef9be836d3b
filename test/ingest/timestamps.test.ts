/**
 * Timestamps (metrics.md, Inputs): ISO 8601 with `Z` or an offset, naive times in the file's zone
 * (UTC unless set), epoch seconds or milliseconds by magnitude; all stored as UTC instants.
 * Every expected instant below is worked out by hand from the fixture text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import {
  expectAccounting,
  expectFile,
  freshEngine,
  ingestFixtures,
  reasonAt,
  utc,
} from './helpers.ts';

let engine: Engine;
beforeEach(async () => {
  engine = await freshEngine();
});
afterEach(async () => engine.close());

async function signupTimes(): Promise<Record<string, number>> {
  const rows = await engine.query<{ user_id: string; signup_at: number }>(
    'SELECT user_id, signup_at FROM signups',
  );
  return Object.fromEntries(rows.map((r) => [r.user_id, r.signup_at]));
}

describe('timestamps', () => {
  it('offsets, Z, fractions, dates, epoch seconds and milliseconds (UTC file)', async () => {
    const r = await ingestFixtures(engine, ['signups_times.csv']);
    // t12 (line 13) month 13, t13 (14) "N/A", t14 (15) empty, t15 (16) day-first, not ISO.
    expectFile(r.files[0], {
      table: 'signups',
      read: 16,
      loaded: 12,
      rejected: 4,
      duplicates: 0,
      lines: [13, 14, 15, 16],
    });
    expect(reasonAt(r.files[0], 13)).toMatch(/signup_at/);
    expect(reasonAt(r.files[0], 14)).toMatch(/signup_at/);
    expect(reasonAt(r.files[0], 15)).toMatch(/signup_at/);
    expect(reasonAt(r.files[0], 16)).toMatch(/signup_at/);
    // 2025-01-14 is day 20102 since 1970-01-01; 20102 * 86400 + 8h 3m 11s = 1736841791.
    const instant = utc(2025, 1, 14, 8, 3, 11);
    expect(await signupTimes()).toEqual({
      t01: instant, // 16:03:11+08:00
      t02: instant, // Z
      t03: instant, // epoch seconds
      t04: instant, // epoch milliseconds
      t05: instant, // 03:03:11-05:00
      t06: instant, // 13:33:11+0530
      t07: utc(2025, 1, 15, 3), // 22:00-05:00 crosses midnight
      t08: utc(2025, 1, 14), // date only, naive UTC
      t09: utc(2025, 1, 14, 8, 3, 11, 250),
      t10: instant, // naive, file zone UTC
      t11: utc(1973, 3, 3, 9, 46, 40), // 1e11 is milliseconds: 1e8 s
      t16: instant, // +08 (hours-only offset)
    });
    expect(r.dataset_end).toBe('2025-01-15T03:00:00Z');
  });

  it('naive times in America/New_York: EST, EDT and both DST change days', async () => {
    const r = await ingestFixtures(engine, [
      ['signups_naive_ny.csv', { table: 'signups', timeZone: 'America/New_York' }],
    ]);
    expectFile(r.files[0], {
      table: 'signups',
      read: 11,
      loaded: 11,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expect(await signupTimes()).toEqual({
      n01: utc(2025, 1, 14, 14), // 09:00 EST (-5)
      n02: utc(2025, 7, 4, 13), // 09:00 EDT (-4)
      n03: utc(2025, 1, 14, 9), // explicit Z is not shifted
      n04: utc(2025, 1, 14, 1), // explicit +08:00 is not shifted
      n05: utc(2025, 1, 14, 8, 3, 11), // epoch is not shifted
      n06: utc(2025, 1, 15, 4, 30), // 23:30 EST is the next UTC day
      n07: utc(2025, 3, 9, 6, 30), // 01:30 EST, before the spring-forward at 02:00
      n08: utc(2025, 3, 9, 7, 30), // 03:30 EDT, after it
      n09: utc(2025, 11, 2, 4, 30), // 00:30 EDT, before the fall-back at 02:00
      n10: utc(2025, 11, 2, 8), // 03:00 EST, after it
      n11: utc(2025, 1, 14, 5), // date only = local midnight EST
    });
    expect(r.dataset_end).toBe('2025-11-02T08:00:00Z'); // n10 is the latest instant
  });

  it('the same naive file without a zone is read as UTC', async () => {
    const r = await ingestFixtures(engine, ['signups_naive_ny.csv']);
    expectFile(r.files[0], {
      table: 'signups',
      read: 11,
      loaded: 11,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    const t = await signupTimes();
    expect(t.n01).toBe(utc(2025, 1, 14, 9));
    expect(t.n02).toBe(utc(2025, 7, 4, 9));
    expect(t.n04).toBe(utc(2025, 1, 14, 1));
    expect(t.n11).toBe(utc(2025, 1, 14));
    expect(t.n10).toBe(utc(2025, 11, 2, 3));
    expect(r.dataset_end).toBe('2025-11-02T03:00:00Z');
  });

  it('naive time in Asia/Shanghai equals the same wall clock written with +08:00', async () => {
    const text = 'user_id,signup_at\nk1,2025-01-14 16:03:11\nk2,2025-01-14 16:03:11+08:00\n';
    const r = await ingestFiles(engine, [
      { input: bufferInput('shanghai.csv', text), options: { timeZone: 'Asia/Shanghai' } },
    ]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'signups',
      read: 2,
      loaded: 2,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expect(await signupTimes()).toEqual({
      k1: utc(2025, 1, 14, 8, 3, 11),
      k2: utc(2025, 1, 14, 8, 3, 11),
    });
  });

  it('epoch unit by magnitude: below 1e11 seconds, from 1e11 milliseconds', async () => {
    const text = [
      'user_id,signup_at',
      'e1,99999999999', // seconds: 99999999999 s
      'e2,100000000000', // milliseconds: 1e11 ms
      'e3,1736841791000',
      'e4,1736841791',
      'e5,0',
      '',
    ].join('\n');
    const r = await ingestFiles(engine, [{ input: bufferInput('epoch.csv', text) }]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'signups',
      read: 5,
      loaded: 5,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expect(await signupTimes()).toEqual({
      e1: 99_999_999_999 * 1000,
      e2: 100_000_000_000,
      e3: utc(2025, 1, 14, 8, 3, 11),
      e4: utc(2025, 1, 14, 8, 3, 11),
      e5: 0,
    });
  });

  it('post times: created_ms in epoch milliseconds and an ISO offset in the same run', async () => {
    const text = [
      'post_id,user_id,created_ms,category',
      // 1736942400000 ms = 20102 days + 1.5 days = 2025-01-15T12:00:00Z
      'p1,u1,1736942400000,news',
      'p2,u1,2025-01-15T20:00:00+08:00,news',
      'p3,u1,,news',
      '',
    ].join('\n');
    const r = await ingestFiles(engine, [{ input: bufferInput('posts_ms.csv', text) }]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'posts',
      read: 3,
      loaded: 2,
      rejected: 1,
      duplicates: 0,
      lines: [4],
    });
    expect(reasonAt(r.files[0], 4)).toMatch(/created_at/);
    const rows = await engine.query('SELECT post_id, created_at FROM posts ORDER BY post_id');
    expect(rows).toEqual([
      { post_id: 'p1', created_at: utc(2025, 1, 15, 12) },
      { post_id: 'p2', created_at: utc(2025, 1, 15, 12) },
    ]);
    expect(r.dataset_end).toBe('2025-01-15T12:00:00Z');
  });
});
