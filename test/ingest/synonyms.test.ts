/**
 * Header synonyms and hand mappings end to end (metrics.md, Inputs): `User ID`, `uid`,
 * `author_id`, `Sign-up Time`, `created_ms`, `topic`, `Timestamp (UTC)`; the table is guessed
 * from the header when not given. Numbers worked out by hand from the fixtures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import { segmentColumns } from '../../src/ingest/tables.ts';
import { expectFile, freshEngine, ingestFixtures, utc } from './helpers.ts';

let engine: Engine;
beforeEach(async () => {
  engine = await freshEngine();
});
afterEach(async () => engine.close());

describe('header synonyms', () => {
  it('load four files whose headers only use synonyms, tables guessed', async () => {
    const r = await ingestFixtures(engine, [
      'signups_synonyms.csv', // User ID, Sign-up Time, Referral Source
      'signups_synonyms_2.csv', // uid, Timestamp (UTC)
      'posts_synonyms.csv', // Post ID, author_id, created_ms, topic
      'posts_synonyms_2.csv', // uid, Timestamp (UTC), topic
    ]);
    expectFile(r.files[0], {
      table: 'signups',
      read: 2,
      loaded: 2,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    // y3 new; y1 again with an earlier time: duplicate, y1 keeps 2025-01-04 10:00.
    expectFile(r.files[1], {
      table: 'signups',
      read: 2,
      loaded: 1,
      rejected: 0,
      duplicates: 1,
      lines: [],
    });
    expectFile(r.files[2], {
      table: 'posts',
      read: 3,
      loaded: 3,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expectFile(r.files[3], {
      table: 'posts',
      read: 1,
      loaded: 1,
      rejected: 0,
      duplicates: 0,
      lines: [],
    });
    expect(await engine.query('SELECT user_id, signup_at FROM signups ORDER BY user_id')).toEqual([
      { user_id: 'y1', signup_at: utc(2025, 1, 4, 10) },
      { user_id: 'y2', signup_at: utc(2025, 1, 5, 11) },
      { user_id: 'y3', signup_at: utc(2025, 1, 6, 10) },
    ]);
    const source = await engine.query("SELECT source FROM signups WHERE user_id = 'y1'");
    expect(source).toEqual([{ source: 'friend' }]);
    // created_ms: 1736071200000 = 2025-01-05 (day 20093) 10:00, +1 day, +2 days.
    expect(
      await engine.query(
        'SELECT post_id, user_id, created_at, category FROM posts ORDER BY created_at',
      ),
    ).toEqual([
      { post_id: 'w1', user_id: 'y1', created_at: utc(2025, 1, 5, 10), category: 'news' },
      { post_id: 'w2', user_id: 'y3', created_at: utc(2025, 1, 6, 10), category: 'art' },
      { post_id: 'w3', user_id: 'y9', created_at: utc(2025, 1, 7, 10), category: '(none)' },
      { post_id: null, user_id: 'y2', created_at: utc(2025, 1, 8, 9, 15), category: 'music' },
    ]);
    expect(r.authors_not_in_signups).toBe(1); // y9
    expect(r.dataset_end).toBe('2025-01-08T09:15:00Z');
  });
});

describe('hand mappings', () => {
  it('overrides map headers no synonym knows (Member, "Joined On")', async () => {
    const r = await ingestFixtures(engine, [
      [
        'cli/signups_members_b.csv',
        { table: 'signups', overrides: { user_id: 'Member', signup_at: 'Joined On' } },
      ],
    ]);
    // m2, m4 (1736496000 s = 2025-01-10T08:00:00Z) loaded; m5 (line 4) has 4 fields.
    expectFile(r.files[0], {
      file: 'signups_members_b.csv',
      table: 'signups',
      read: 3,
      loaded: 2,
      rejected: 1,
      duplicates: 0,
      lines: [4],
    });
    expect(
      await engine.query('SELECT user_id, signup_at, plan FROM signups ORDER BY user_id'),
    ).toEqual([
      { user_id: 'm2', signup_at: utc(2025, 1, 8), plan: 'pro' },
      { user_id: 'm4', signup_at: utc(2025, 1, 10, 8), plan: 'free' },
    ]);
  });

  it('without the overrides the file is refused, naming both missing roles', async () => {
    const r = await ingestFixtures(engine, [['cli/signups_members_b.csv', { table: 'signups' }]]);
    const f = r.files[0];
    expect(f?.error).toMatch(/user_id/);
    expect(f?.error).toMatch(/signup_at/);
    expect(f?.rows_loaded).toBe(0);
    expect(r.signups).toBe(0);
  });

  it('an override naming a header the file lacks refuses the file', async () => {
    const r = await ingestFixtures(engine, [
      'signups_basic.csv',
      ['signups_synonyms.csv', { table: 'signups', overrides: { user_id: 'Member' } }],
    ]);
    const f = r.files[1];
    expect(f?.error).toMatch(/Member/);
    expect(f?.rows_loaded).toBe(0);
    expect(r.signups).toBe(2);
  });
});

describe('segment columns of several exports merge by synonym or by a name given by hand', () => {
  it('Country / country_code, Acquisition Source / source, lang / Language become one column each', async () => {
    {
      const r = await ingestFiles(engine, [
        {
          input: bufferInput(
            'a.csv',
            'user_id,signup_at,Country,Acquisition Source,lang\nu1,2025-01-01T00:00:00Z,US,ads,en\n',
          ),
          options: { table: 'signups' },
        },
        {
          input: bufferInput(
            'b.csv',
            'uid,Sign-up Time,country_code,source,Language,Cohort Tag\nu2,2025-01-02T00:00:00Z,CA,organic,fr,t1\n',
          ),
          options: { table: 'signups', segmentNames: { 'Cohort Tag': 'campaign' } },
        },
      ]);
      expect(r.files.map((f) => f.error)).toEqual([undefined, undefined]);
      expect(await segmentColumns(engine, 'signups')).toEqual([
        'country',
        'source',
        'language',
        'campaign',
      ]);
      expect(
        await engine.query(
          'SELECT user_id, country, source, language, campaign FROM signups ORDER BY 1',
        ),
      ).toEqual([
        { user_id: 'u1', country: 'US', source: 'ads', language: 'en', campaign: null },
        { user_id: 'u2', country: 'CA', source: 'organic', language: 'fr', campaign: 't1' },
      ]);
    }
  });
});
