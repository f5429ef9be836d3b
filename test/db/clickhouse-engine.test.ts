/** Placeholders become escaped ClickHouse literals; quoted text and comments are left alone. */
import { describe, expect, it } from 'vitest';
import { inlineParams } from '../../src/db/clickhouse-engine.ts';

describe('inlineParams', () => {
  it('fills each ? in order with a literal of its type', () => {
    expect(inlineParams('SELECT ?, ?, ?, ?, ?', ['a', 7, 2.5, null, true])).toBe(
      "SELECT 'a', 7, 2.5, NULL, 1",
    );
  });

  it('escapes quotes and backslashes in text', () => {
    expect(inlineParams('x = ?', ["Côte d'Ivoire"])).toBe("x = 'Côte d''Ivoire'");
    expect(inlineParams('x = ?', ['a\\b'])).toBe("x = 'a\\\\b'");
    // A value cannot end the literal early: the quote is doubled, the backslash doubled.
    expect(inlineParams('x = ?', ["\\'; DROP TABLE t; --"])).toBe("x = '\\\\''; DROP TABLE t; --'");
  });

  it('leaves ? inside strings, quoted identifiers and comments', () => {
    expect(inlineParams(`SELECT '?', "a?b", \`c?\` -- why?\n, ?`, [1])).toBe(
      `SELECT '?', "a?b", \`c?\` -- why?\n, 1`,
    );
    expect(inlineParams("SELECT 'it''s ?', ?", ['x'])).toBe("SELECT 'it''s ?', 'x'");
  });

  it('refuses a count mismatch and non-finite numbers', () => {
    expect(() => inlineParams('SELECT ?, ?', ['a'])).toThrow(/placeholders/);
    expect(() => inlineParams('SELECT 1', ['a'])).toThrow(/parameters/);
    expect(() => inlineParams('SELECT ?', [Number.NaN])).toThrow(/finite/);
  });
});
