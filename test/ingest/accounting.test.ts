/**
 * Accounting (metrics.md, "nothing lost"): rejects of every kind, duplicates across and within
 * files, re-registrations keeping the earliest signup. Numbers worked out by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles, removeFile } from '../../src/ingest/ingest.ts';
import { duplicateRows } from '../../src/ingest/duplicates.ts';
import { readReport } from '../../src/ingest/report.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import {
  expectAccounting,
  expectFile,
  freshEngine,
  signupRows,
  ingestFixtures,
  reasonAt,
  utc,
} from './helpers.ts';

let engine: Engine;
beforeEach(async () => {
  engine = await freshEngine();
});
afterEach(async () => engine.close());

describe('rejects', () => {
  it('ragged rows (too few, too many) and empty required fields', async () => {
    const r = await ingestFixtures(engine, ['signups_ragged.csv']);
    // g2 (3) 2 fields, g4 (4) 5 fields, g5 (5) 1 field, ",," (7) empty id, g7 (8) empty time.
    expectFile(r.files[0], {
      table: 'signups',
      read: 7,
      loaded: 2,
      rejected: 5,
      duplicates: 0,
      lines: [3, 4, 5, 7, 8],
    });
    expect(reasonAt(r.files[0], 3)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 4)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 5)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 7)).toMatch(/user_id/);
    expect(reasonAt(r.files[0], 8)).toMatch(/signup_at/);
    expect(await engine.query('SELECT user_id, country FROM signups ORDER BY user_id')).toEqual([
      { user_id: 'g1', country: 'US' },
      { user_id: 'g6', country: 'US,CA' },
    ]);
  });

  it('trailing delimiters are fields too many (3 or 4 fields under a 2-column header)', async () => {
    const r = await ingestFixtures(engine, ['signups_trailing_delimiter.csv']);
    // "d2,2025-01-10T01:00:00Z," (line 3) has three fields and "d4,...,," (line 5) four:
    // both have the wrong number of fields.
    expectFile(r.files[0], {
      table: 'signups',
      read: 4,
      loaded: 2,
      rejected: 2,
      duplicates: 0,
      lines: [3, 5],
    });
    expect(reasonAt(r.files[0], 3)).toMatch(/field|column/i);
    expect((await signupRows(engine)).map((x) => x.user_id)).toEqual(['d1', 'd3']);
  });

  it('an unclosed quote mid-file swallows the rest of the file into one rejected record', async () => {
    // A quoted newline never starts a record, so after the opening quote on line 3 every
    // following line belongs to that record: 2 records, the second rejected at line 3.
    const text = [
      'post_id,user_id,created_at,category',
      'r1,u1,2025-01-13T00:00:00Z,news',
      'r2,u1,2025-01-13T02:00:00Z,"news',
      'r3,u2,2025-01-13T02:00:00Z,art',
      'r4,u2,2025-01-13T03:00:00Z,art',
      '',
    ].join('\n');
    const r = await ingestFiles(engine, [{ input: bufferInput('open.csv', text) }]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'posts',
      read: 2,
      loaded: 1,
      rejected: 1,
      duplicates: 0,
      lines: [3],
    });
    expect(reasonAt(r.files[0], 3)).toMatch(/quote/i);
  });
});

describe('duplicates', () => {
  it('overlapping post files: the first post_id stays, later copies are duplicates', async () => {
    const r = await ingestFixtures(engine, ['posts_overlap_a.csv', 'posts_overlap_b.csv']);
    // a: a1 a2 a3 loaded, a2 again (5) duplicate, a4 (6) bad time.
    expectFile(r.files[0], {
      table: 'posts',
      read: 5,
      loaded: 3,
      rejected: 1,
      duplicates: 1,
      lines: [6],
    });
    // b: a2, a3 duplicates of file a; b1, b2 new; a4 new (its earlier row was rejected);
    // b1 again duplicate.
    expectFile(r.files[1], {
      table: 'posts',
      read: 6,
      loaded: 3,
      rejected: 0,
      duplicates: 3,
      lines: [],
    });
    const rows = await engine.query(
      'SELECT post_id, user_id, created_at, category FROM posts ORDER BY post_id',
    );
    expect(rows).toEqual([
      { post_id: 'a1', user_id: 'u1', created_at: utc(2025, 1, 15, 10), category: 'news' },
      { post_id: 'a2', user_id: 'u2', created_at: utc(2025, 1, 15, 11), category: 'art' },
      { post_id: 'a3', user_id: 'u3', created_at: utc(2025, 1, 15, 12), category: 'news' },
      { post_id: 'a4', user_id: 'u1', created_at: utc(2025, 1, 16, 11), category: 'news' },
      { post_id: 'b1', user_id: 'u4', created_at: utc(2025, 1, 16, 9), category: 'music' },
      { post_id: 'b2', user_id: 'u1', created_at: utc(2025, 1, 16, 10), category: '(none)' },
    ]);
    expect(r.posts).toBe(6);
    expect(r.dataset_end).toBe('2025-01-16T11:00:00Z');
    expect(r.authors_not_in_signups).toBe(4); // no signups loaded: u1..u4
  });

  it('the same post file twice: every valid row of the second copy is a duplicate', async () => {
    const r = await ingestFixtures(engine, ['posts_overlap_a.csv', 'posts_overlap_a.csv']);
    expectFile(r.files[1], {
      table: 'posts',
      read: 5,
      loaded: 0,
      rejected: 1,
      duplicates: 4,
      lines: [6],
    });
    expect(r.posts).toBe(3);
  });

  it('without a post_id (column absent or empty) no post is a duplicate', async () => {
    const noColumn =
      'user_id,created_at,category\nu1,2025-01-15T10:00:00Z,news\nu1,2025-01-15T10:00:00Z,news\n';
    const empty =
      'post_id,user_id,created_at,category\n,u1,2025-01-15T10:00:00Z,news\n,u1,2025-01-15T10:00:00Z,news\n';
    const r = await ingestFiles(engine, [
      { input: bufferInput('no_id.csv', noColumn) },
      { input: bufferInput('empty_id.csv', empty) },
    ]);
    expectAccounting(r);
    for (const f of r.files) {
      expectFile(f, { table: 'posts', read: 2, loaded: 2, rejected: 0, duplicates: 0, lines: [] });
    }
    expect(r.posts).toBe(4);
  });

  it('re-registrations: later rows are duplicates, the user keeps the earliest signup_at', async () => {
    const r = await ingestFixtures(engine, ['signups_rereg_1.csv', 'signups_rereg_2.csv']);
    // 1: r1, r2, r4 loaded; r1 again (4) and r4 again (6, earlier time) duplicates; r1 (7) empty.
    expectFile(r.files[0], {
      table: 'signups',
      read: 6,
      loaded: 3,
      rejected: 1,
      duplicates: 2,
      lines: [7],
    });
    // 2: r2 (earlier time than file 1) duplicate; r3 new.
    expectFile(r.files[1], {
      table: 'signups',
      read: 2,
      loaded: 1,
      rejected: 0,
      duplicates: 1,
      lines: [],
    });
    expect(await signupRows(engine)).toEqual([
      { user_id: 'r1', signup_at: utc(2025, 1, 10, 12) },
      { user_id: 'r2', signup_at: utc(2025, 1, 9, 8) }, // from the later file
      { user_id: 'r3', signup_at: utc(2025, 1, 11) },
      { user_id: 'r4', signup_at: utc(2025, 1, 10, 6) }, // from the later row
    ]);
    expect(r.signups).toBe(4);
    // r1's duplicate at 2025-01-12T15:00 is not loaded, so it is not the end.
    expect(r.dataset_end).toBe('2025-01-11T00:00:00Z');
  });

  it('re-registrations in the other order: same users and times, duplicates move', async () => {
    const r = await ingestFixtures(engine, ['signups_rereg_2.csv', 'signups_rereg_1.csv']);
    expectFile(r.files[0], {
      table: 'signups',
      read: 2,
      loaded: 2,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    // r1 (2) new, r2 (3) dup, r1 (4) dup, r4 (5) new, r4 (6) dup, r1 (7) empty time.
    expectFile(r.files[1], {
      table: 'signups',
      read: 6,
      loaded: 2,
      rejected: 1,
      duplicates: 3,
      lines: [7],
    });
    expect(await signupRows(engine)).toEqual([
      { user_id: 'r1', signup_at: utc(2025, 1, 10, 12) },
      { user_id: 'r2', signup_at: utc(2025, 1, 9, 8) },
      { user_id: 'r3', signup_at: utc(2025, 1, 11) },
      { user_id: 'r4', signup_at: utc(2025, 1, 10, 6) },
    ]);
  });

  it('a file of duplicates only is not an error', async () => {
    const r = await ingestFixtures(engine, ['signups_basic.csv', 'signups_basic.csv']);
    expectFile(r.files[1], {
      table: 'signups',
      read: 2,
      loaded: 0,
      rejected: 0,
      duplicates: 2,
      lines: [],
    });
  });
});

describe('duplicates can be inspected, with the line of the row kept', () => {
  it('lists each repeat with its line and the kept row’s file and line', async () => {
    // a: u1 (line 2), u2 (line 3), u1 again (line 4). b: u2 (line 2, earlier time), u3 (line 3).
    const r = await ingestFiles(engine, [
      {
        input: bufferInput(
          'a.csv',
          'user_id,signup_at\nu1,2025-01-02T00:00:00Z\nu2,2025-01-03T00:00:00Z\nu1,2025-01-01T00:00:00Z\n',
        ),
        options: { table: 'signups' },
      },
      {
        input: bufferInput(
          'b.csv',
          'user_id,signup_at\n\nu2,2025-01-01T00:00:00Z\nu3,2025-01-04T00:00:00Z\n',
        ),
        options: { table: 'signups' },
      },
    ]);
    expectAccounting(r);
    const [a, b] = r.files;
    expect(await duplicateRows(engine, 'signups', a?.file_id as number)).toEqual([
      { line: 4, key: 'u1', kept_file: 'a.csv', kept_line: 2 },
    ]);
    // b has a blank line 2, so u2 is on line 3.
    expect(await duplicateRows(engine, 'signups', b?.file_id as number)).toEqual([
      { line: 3, key: 'u2', kept_file: 'a.csv', kept_line: 3 },
    ]);
    // Each user keeps the earliest time of its copies.
    expect(await signupRows(engine)).toEqual([
      { user_id: 'u1', signup_at: utc(2025, 1, 1) },
      { user_id: 'u2', signup_at: utc(2025, 1, 1) },
      { user_id: 'u3', signup_at: utc(2025, 1, 4) },
    ]);
  });

  it('removing a file brings back the copy it shadowed and recounts', async () => {
    const r = await ingestFiles(engine, [
      {
        input: bufferInput(
          'a.csv',
          'post_id,user_id,created_at,category\np1,u1,2025-01-02T00:00:00Z,cats\np2,u1,2025-01-03T00:00:00Z,dogs\n',
        ),
        options: { table: 'posts' },
      },
      {
        input: bufferInput(
          'b.csv',
          'post_id,user_id,created_at,category\np1,u9,2025-01-05T00:00:00Z,memes\np3,u2,2025-01-06T00:00:00Z,cats\n',
        ),
        options: { table: 'posts' },
      },
    ]);
    expect(r.files.map((f) => [f.rows_loaded, f.duplicates])).toEqual([
      [2, 0],
      [1, 1],
    ]);
    await removeFile(engine, r.files[0]?.file_id as number);
    expect(
      await engine.query('SELECT post_id, user_id, category FROM posts ORDER BY post_id'),
    ).toEqual([
      { post_id: 'p1', user_id: 'u9', category: 'memes' },
      { post_id: 'p3', user_id: 'u2', category: 'cats' },
    ]);
    expect(await engine.query('SELECT count(*)::INT AS n FROM post_dups')).toEqual([{ n: 0 }]);
    const after = await readReport(engine);
    expect(after.files.map((f) => f.file)).toEqual(['b.csv']);
    expect(after.posts).toBe(2);
    // b's p1 is no longer a repeat: its accounting follows.
    expect(after.files.map((f) => [f.rows_read, f.rows_loaded, f.duplicates])).toEqual([[2, 2, 0]]);
  });
});
