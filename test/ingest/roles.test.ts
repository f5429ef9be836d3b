/** mapColumns / guessTable: header synonyms, hand overrides, missing roles, segment names. */
import { describe, expect, it } from 'vitest';
import { guessTable, mapColumns } from '../../src/ingest/roles.ts';
import { profileColumns } from '../../src/ingest/sniff.ts';

describe('mapColumns: synonyms', () => {
  it.each([
    ['User ID', 'Sign-up Time'],
    ['uid', 'Timestamp (UTC)'],
    ['user_id', 'signup_at'],
    ['userId', 'registered_at'],
    ['USER-ID', 'Signup Date'],
  ])('signups %j + %j', (user, time) => {
    const m = mapColumns('signups', ['Country', user, time]);
    expect(m.roles).toEqual({ user_id: 1, signup_at: 2 });
    expect(m.missing).toEqual([]);
    expect(m.segments).toEqual([{ index: 0, header: 'Country', name: 'country' }]);
    expect(m.unknownOverrides).toEqual([]);
  });

  it.each([
    ['author_id', 'created_ms', 'topic'],
    ['uid', 'Timestamp (UTC)', 'topic'],
    ['User ID', 'created_at', 'category'],
    ['author', 'Created At', 'Category'],
  ])('posts %j + %j + %j', (user, time, cat) => {
    const m = mapColumns('posts', ['Post ID', user, time, cat, 'Language']);
    expect(m.roles).toEqual({ post_id: 0, user_id: 1, created_at: 2, category: 3 });
    expect(m.missing).toEqual([]);
    expect(m.segments).toEqual([{ index: 4, header: 'Language', name: 'language' }]);
  });

  it('post_id is optional', () => {
    const m = mapColumns('posts', ['author_id', 'created_ms', 'topic']);
    expect(m.roles).toEqual({ user_id: 0, created_at: 1, category: 2 });
    expect(m.missing).toEqual([]);
  });

  it('segment columns are the headers in snake_case lower case', () => {
    const m = mapColumns('signups', ['user_id', 'signup_at', 'Referral Source', 'Sign-up Country']);
    // A known synonym takes its canonical name (Referral Source is a source).
    expect(m.segments.map((s) => s.name)).toEqual(['source', 'sign_up_country']);
  });
});

describe('mapColumns: overrides', () => {
  it('map headers no synonym knows', () => {
    const m = mapColumns('signups', ['Member', 'Joined On', 'Plan'], {
      user_id: 'Member',
      signup_at: 'Joined On',
    });
    expect(m.roles).toEqual({ user_id: 0, signup_at: 1 });
    expect(m.missing).toEqual([]);
    expect(m.segments.map((s) => s.index)).toEqual([2]);
  });

  it('win over a synonym match', () => {
    const m = mapColumns('posts', ['user_id', 'poster', 'created_at', 'category', 'Board'], {
      user_id: 'poster',
      category: 'Board',
    });
    expect(m.roles.user_id).toBe(1);
    expect(m.roles.category).toBe(4);
    expect(m.roles.created_at).toBe(2);
    // The unused synonym columns stay as segments.
    expect(m.segments.map((s) => s.index)).toEqual([0, 3]);
  });

  it('match a header after normalisation (case, spaces, punctuation)', () => {
    const m = mapColumns('signups', ['Member Key', 'When'], {
      user_id: 'member key',
      signup_at: 'WHEN',
    });
    expect(m.roles).toEqual({ user_id: 0, signup_at: 1 });
  });

  it('report a header the file does not have', () => {
    const m = mapColumns('signups', ['user_id', 'signup_at'], { user_id: 'Member' });
    expect(m.unknownOverrides).toEqual(['Member']);
  });

  it('an empty override unmaps the role', () => {
    const m = mapColumns('signups', ['user_id', 'signup_at'], { user_id: '' });
    expect(m.roles.user_id).toBeUndefined();
    expect(m.missing).toEqual(['user_id']);
  });
});

describe('mapColumns: missing roles', () => {
  it('posts without a category column', () => {
    const m = mapColumns('posts', ['post_id', 'user_id', 'created_at', 'title']);
    expect(m.missing).toEqual(['category']);
  });

  it('signups with neither required role', () => {
    const m = mapColumns('signups', ['Member', 'Joined On']);
    expect(m.missing).toEqual(['user_id', 'signup_at']);
    expect(m.roles).toEqual({});
  });

  it('one column serves one role only', () => {
    // "uid" may be a user id; it cannot be both the user and the time.
    const m = mapColumns('signups', ['uid']);
    expect(m.roles).toEqual({ user_id: 0 });
    expect(m.missing).toEqual(['signup_at']);
  });
});

describe('guessTable', () => {
  it('a category-like column makes a posts export', () => {
    expect(guessTable(['Post ID', 'author_id', 'created_ms', 'topic'])).toBe('posts');
    expect(guessTable(['uid', 'Timestamp (UTC)', 'topic'])).toBe('posts');
  });

  it('a user and a signup time make a signups export', () => {
    expect(guessTable(['User ID', 'Sign-up Time', 'Country'])).toBe('signups');
  });

  it('neither', () => {
    expect(guessTable(['Member', 'Joined On'])).toBeNull();
    expect(guessTable(['a', 'b', 'c'])).toBeNull();
  });
});

describe('profileColumns: free text and identifiers are not segments by default', () => {
  const rows = Array.from({ length: 50 }, (_, i) => [
    `user${i}@example.com`,
    ['US', 'CA', 'GB'][i % 3] as string,
    `a long caption number ${i} with enough words to read like a sentence someone typed`,
    '',
  ]);
  it('classifies by distinctness and length', () => {
    const p = profileColumns(['email', 'country', 'caption', 'empty'], rows);
    expect(p.map((c) => c.kind)).toEqual(['identifier', 'segment', 'free-text', 'segment']);
    expect(p[0]?.reason).toMatch(/50 of the 50 sampled values are distinct/);
    expect(p[2]?.reason).toMatch(/free text/);
    expect(p[1]).toMatchObject({ distinct: 3, sampled: 50, reason: null });
  });
  it('does not judge from a handful of values', () => {
    expect(profileColumns(['id'], [['a'], ['b'], ['c']])[0]?.kind).toBe('segment');
  });
});
