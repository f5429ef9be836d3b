/**
 * CSV dialects (metrics.md, Inputs): BOM, CRLF, `;` / tab / `|`, quoted fields with embedded
 * delimiters, doubled quotes and newlines, UTF-8 text. Expected counts and physical reject lines
 * are worked out by hand from the fixture text (header = line 1).
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import {
  expectAccounting,
  expectFile,
  fixture,
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

type PostRow = { post_id: string; user_id: string; created_at: number; category: string };

describe('dialects', () => {
  it('UTF-8 BOM before a quoted header: the first column is still user_id', async () => {
    const r = await ingestFixtures(engine, ['signups_bom.csv']);
    expectFile(r.files[0], {
      file: 'signups_bom.csv',
      table: 'signups',
      read: 4,
      loaded: 3,
      rejected: 1,
      duplicates: 0,
      lines: [4],
    });
    expect(reasonAt(r.files[0], 4)).toMatch(/signup_at/);
    const rows = await engine.query(
      'SELECT user_id, signup_at, country FROM signups ORDER BY user_id',
    );
    expect(rows).toEqual([
      { user_id: 'b1', signup_at: utc(2025, 1, 10, 8), country: 'US' },
      { user_id: 'b2', signup_at: utc(2025, 1, 10, 9, 30), country: 'DE' },
      { user_id: 'b4', signup_at: utc(2025, 1, 11), country: 'JP' },
    ]);
  });

  it('CRLF: a quoted CRLF stays in the field and counts as one more physical line', async () => {
    const r = await ingestFixtures(engine, ['signups_crlf.csv']);
    // c1 spans lines 2-3; c3 (5) empty time; c4 (6) 4 fields; line 7 blank; c6 (9) 2 fields.
    expectFile(r.files[0], {
      table: 'signups',
      read: 6,
      loaded: 3,
      rejected: 3,
      duplicates: 0,
      lines: [5, 6, 9],
    });
    expect(reasonAt(r.files[0], 5)).toMatch(/signup_at/);
    expect(reasonAt(r.files[0], 6)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 9)).toMatch(/field|column/i);
    const rows = await engine.query(
      'SELECT user_id, signup_at, source FROM signups ORDER BY user_id',
    );
    expect(rows).toEqual([
      { user_id: 'c1', signup_at: utc(2025, 2, 1, 10), source: 'ad\r\ncampaign' },
      { user_id: 'c2', signup_at: utc(2025, 2, 1, 11), source: 'organic' },
      { user_id: 'c5', signup_at: utc(2025, 2, 1, 13), source: 'organic' },
    ]);
  });

  it('`;` delimiter with quoted `;`, doubled quotes, an empty category and a bare comma', async () => {
    const r = await ingestFixtures(engine, ['posts_semicolon.csv']);
    expectFile(r.files[0], {
      table: 'posts',
      read: 5,
      loaded: 4,
      rejected: 1,
      duplicates: 0,
      lines: [5],
    });
    expect(reasonAt(r.files[0], 5)).toMatch(/created_at/);
    const rows = await engine.query(
      'SELECT post_id, user_id, created_at, category, title FROM posts ORDER BY post_id',
    );
    expect(rows).toEqual([
      {
        post_id: 's1',
        user_id: 'u1',
        created_at: utc(2025, 1, 12, 10),
        category: 'news',
        title: 'a; b',
      },
      {
        post_id: 's2',
        user_id: 'u2',
        created_at: utc(2025, 1, 12, 11),
        category: '(none)',
        title: 'plain',
      },
      {
        post_id: 's3',
        user_id: 'u9',
        created_at: utc(2025, 1, 12, 12),
        category: 'art',
        title: 'say "hi"',
      },
      {
        post_id: 's5',
        user_id: 'u2',
        created_at: utc(2025, 1, 12, 13),
        category: 'art,music',
        title: '1,5',
      },
    ]);
  });

  it('tab delimiter: a quoted tab, a short row and an empty user_id', async () => {
    const r = await ingestFixtures(engine, ['posts_tab.tsv']);
    expectFile(r.files[0], {
      table: 'posts',
      read: 5,
      loaded: 3,
      rejected: 2,
      duplicates: 0,
      lines: [4, 5],
    });
    expect(reasonAt(r.files[0], 4)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 5)).toMatch(/user_id/);
    const rows = await engine.query<{ post_id: string; note: string | null }>(
      'SELECT post_id, note FROM posts ORDER BY post_id',
    );
    expect(rows.map((x) => x.post_id)).toEqual(['t1', 't2', 't5']);
    expect(rows[0]?.note).toBe('comma, inside');
    expect(rows[1]?.note).toBe('tab\there');
  });

  it('`|` delimiter: a quoted pipe, a long row and an epoch-seconds time', async () => {
    const r = await ingestFixtures(engine, ['posts_pipe.csv']);
    expectFile(r.files[0], {
      table: 'posts',
      read: 4,
      loaded: 3,
      rejected: 1,
      duplicates: 0,
      lines: [4],
    });
    const rows = await engine.query<PostRow>(
      'SELECT post_id, user_id, created_at, category FROM posts ORDER BY post_id',
    );
    expect(rows).toEqual([
      { post_id: 'x1', user_id: 'u1', created_at: utc(2025, 1, 12, 10), category: 'news' },
      { post_id: 'x2', user_id: 'u2', created_at: utc(2025, 1, 12, 11), category: 'a|b' },
      // 1736683200 s = 20100 days * 86400 + 12 h = 2025-01-12T12:00:00Z
      { post_id: 'x4', user_id: 'u3', created_at: utc(2025, 1, 12, 12), category: 'art' },
    ]);
  });

  it('quoted delimiters, doubled quotes and newlines push later reject lines down', async () => {
    const r = await ingestFixtures(engine, ['posts_quoted.csv']);
    // Records: q1 (2), q2 (3-5), q3 (6), q4 (7-8), q5 (9), blank 10, q6 (11), q7 (12),
    // q8 (13), q9 (14-15), q10 (16), q11 (17, no final newline).
    expectFile(r.files[0], {
      table: 'posts',
      read: 11,
      loaded: 6,
      rejected: 5,
      duplicates: 0,
      lines: [6, 9, 11, 12, 17],
    });
    expect(reasonAt(r.files[0], 6)).toMatch(/user_id/);
    expect(reasonAt(r.files[0], 9)).toMatch(/created_at/);
    expect(reasonAt(r.files[0], 11)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 12)).toMatch(/field|column/i);
    expect(reasonAt(r.files[0], 17)).toMatch(/created_at/);
    const rows = await engine.query<{ post_id: string; category: string; body: string }>(
      'SELECT post_id, category, body FROM posts',
    );
    const byId = new Map(rows.map((x) => [x.post_id, x]));
    expect([...byId.keys()].sort()).toEqual(['q1', 'q10', 'q2', 'q4', 'q8', 'q9']);
    expect(byId.get('q1')?.body).toBe('hello, world');
    expect(byId.get('q2')?.body).toBe('line one\nline two\nline three');
    expect(byId.get('q4')?.body).toBe('multi\nline, with "comma"');
    expect(byId.get('q8')).toEqual({ post_id: 'q8', category: 'art', body: '"quoted" start' });
    expect(byId.get('q9')?.body).toBe('\nstarts with newline "and" ends "');
    expect(byId.get('q10')?.category).toBe('(none)');
  });

  it('a quote left open on the last line loses nothing: the record is whole and loads', async () => {
    // Only a record whose open quote swallows later lines is rejected (see accounting.test.ts);
    // here the field simply runs to the end of the file, like Python's csv module reads it.
    const r = await ingestFixtures(engine, ['posts_unterminated.csv']);
    expectFile(r.files[0], {
      table: 'posts',
      read: 3,
      loaded: 3,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    const rows = await engine.query('SELECT post_id, category FROM posts ORDER BY post_id');
    expect(rows).toEqual([
      { post_id: 'r1', category: 'news' },
      { post_id: 'r2', category: 'art' },
      { post_id: 'r3', category: 'news' },
    ]);
  });

  it('CJK and emoji (ZWJ sequences, a CJK header) survive byte for byte', async () => {
    const r = await ingestFixtures(engine, ['posts_cjk.csv']);
    // e5 spans lines 6-7, so the unparseable "明天" of e6 is on line 8.
    expectFile(r.files[0], {
      table: 'posts',
      read: 6,
      loaded: 4,
      rejected: 2,
      duplicates: 0,
      lines: [5, 8],
    });
    expect(reasonAt(r.files[0], 5)).toMatch(/user_id/);
    expect(reasonAt(r.files[0], 8)).toMatch(/created_at/);
    const rows = await engine.query(
      'SELECT post_id, user_id, category, "标题" AS title FROM posts ORDER BY post_id',
    );
    expect(rows).toEqual([
      { post_id: 'e1', user_id: '用户一', category: '美食', title: '今天吃了火锅🍲' },
      { post_id: 'e2', user_id: 'ユーザー', category: '旅行 ✈️', title: '東京, 大阪' },
      { post_id: 'e3', user_id: '😀user', category: '🎨', title: 'emoji only 🎉🎉' },
      {
        post_id: 'e5',
        user_id: '👨‍👩‍👧',
        category: '家庭',
        title: 'ZWJ family\nsecond line 🌏',
      },
    ]);
  });

  it('an in-memory copy (bufferInput) gives the same report as the path', async () => {
    const text = readFileSync(fixture('posts_quoted.csv'));
    const r = await ingestFiles(engine, [
      { input: bufferInput('posts_quoted.csv', new Uint8Array(text)), options: { table: 'posts' } },
    ]);
    expectAccounting(r);
    expectFile(r.files[0], {
      file: 'posts_quoted.csv',
      table: 'posts',
      read: 11,
      loaded: 6,
      rejected: 5,
      duplicates: 0,
      lines: [6, 9, 11, 12, 17],
    });
  });

  it('reject lines stay exact past the sniffed head in a large generated file', async () => {
    const n = 8000; // ~360 KB: more than the 256 KB the sniffer reads
    const lines = ['post_id,user_id,created_at,category,body'];
    for (let i = 0; i < n; i++) lines.push(`g${i},u${i % 7},2025-01-12T10:00:00Z,news,"a\r\nb"`);
    lines.push('gbad,u1,2025-01-12T10:00:00Z,news'); // line 1 + 2n + 1
    lines.push('gx,,2025-01-12T10:00:00Z,news,"z"'); // line 1 + 2n + 2
    lines.push(`g${n},u1,2025-01-12T11:00:00Z,art,ok`);
    const r = await ingestFiles(engine, [
      { input: bufferInput('big.csv', lines.join('\r\n') + '\r\n') },
    ]);
    expectAccounting(r);
    expectFile(r.files[0], {
      table: 'posts',
      read: n + 3,
      loaded: n + 1,
      rejected: 2,
      duplicates: 0,
      lines: [2 * n + 2, 2 * n + 3],
    });
    expect(r.dataset_end).toBe('2025-01-12T11:00:00Z');
  });
});
