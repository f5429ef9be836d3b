/**
 * Refused files (metrics.md, Accounting): header-only, all rows rejected, a required column
 * missing — nothing of the file loads and earlier files stay intact; plus the dataset-wide
 * facts (authors missing from the signup export, dataset end). Numbers worked out by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { expectFile, freshEngine, signupRows, ingestFixtures, utc } from './helpers.ts';

let engine: Engine;
beforeEach(async () => {
  engine = await freshEngine();
});
afterEach(async () => engine.close());

describe('refused files', () => {
  it('a header-only file is an error and loads nothing', async () => {
    const r = await ingestFixtures(engine, ['signups_basic.csv', 'signups_header_only.csv']);
    expectFile(r.files[1], {
      table: 'signups',
      read: 0,
      loaded: 0,
      rejected: 0,
      duplicates: 0,
      lines: [],
      error: true,
    });
    expect(r.signups).toBe(2);
  });

  it('a file whose rows are all rejected is an error, with every reject listed', async () => {
    const r = await ingestFixtures(engine, ['signups_basic.csv', 'signups_all_rejected.csv']);
    expectFile(r.files[1], {
      table: 'signups',
      read: 2,
      loaded: 0,
      rejected: 2,
      duplicates: 0,
      lines: [2, 3],
      error: true,
    });
    expect(r.signups).toBe(2);
  });

  it('a missing required column refuses the file, naming the role; earlier data stays', async () => {
    const r = await ingestFixtures(engine, [
      'signups_basic.csv',
      'posts_overlap_a.csv',
      ['posts_missing_category.csv', { table: 'posts' }],
      ['signups_missing_time.csv', { table: 'signups' }],
    ]);
    expectFile(r.files[0], {
      table: 'signups',
      read: 2,
      loaded: 2,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expectFile(r.files[1], {
      table: 'posts',
      read: 5,
      loaded: 3,
      rejected: 1,
      duplicates: 1,
      lines: [6],
    });
    const [, , cat, time] = r.files;
    expect(cat?.error).toMatch(/category/);
    expect(cat?.rows_loaded).toBe(0);
    expect(time?.error).toMatch(/signup_at/);
    expect(time?.rows_loaded).toBe(0);
    expect(await signupRows(engine)).toEqual([
      { user_id: 'u1', signup_at: utc(2025, 1, 1) },
      { user_id: 'u2', signup_at: utc(2025, 1, 2) },
    ]);
    const posts = await engine.query('SELECT post_id FROM posts ORDER BY post_id');
    expect(posts).toEqual([{ post_id: 'a1' }, { post_id: 'a2' }, { post_id: 'a3' }]);
    expect(r.signups).toBe(2);
    expect(r.posts).toBe(3);
    expect(r.dataset_end).toBe('2025-01-15T12:00:00Z');
  });
});

describe('dataset facts', () => {
  it('authors missing from the signup export are kept and counted once each', async () => {
    const r = await ingestFixtures(engine, [
      'signups_basic.csv',
      'posts_overlap_a.csv',
      'posts_overlap_b.csv',
    ]);
    // Authors u1, u2 signed up; u3 (a3) and u4 (b1) did not.
    expect(r.authors_not_in_signups).toBe(2);
    expect(r.posts_by_unknown_authors).toBe(2);
    expect(r.posts_before_signup).toBe(0);
    expect(r.signups).toBe(2);
    expect(r.posts).toBe(6);
    expect(r.dataset_end).toBe('2025-01-16T11:00:00Z');
  });

  it('nothing loaded: dataset_end is null', async () => {
    const r = await ingestFixtures(engine, ['signups_header_only.csv']);
    expect(r.dataset_end).toBeNull();
    expect(r.signups).toBe(0);
  });
});
