import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import { readSafeCsv, safeCell, toSafeCsv } from '../../src/share/csv-export.ts';

describe('formula-safe CSV', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['   =HYPERLINK("x")', `"'   =HYPERLINK(""x"")"`],
    ['plain', 'plain'],
  ])('neutralises %j', (input, expected) => {
    expect(safeCell(input)).toBe(expected);
  });

  it('writes numbers as numbers, negative ones included', () => {
    expect(safeCell(-3.5)).toBe('-3.5');
    expect(safeCell(42)).toBe('42');
    expect(safeCell(null)).toBe('');
  });

  it('parses back to the same cells for text that is not formula-like', () => {
    const text = fc
      .string({ unit: 'grapheme' })
      .filter((s) => !/^\s*[=+\-@\t\r]/.test(s) && s.trim() === s);
    fc.assert(
      fc.property(
        fc.array(fc.array(text, { minLength: 2, maxLength: 2 }), { maxLength: 6 }),
        (rows) => {
          const csv = toSafeCsv(['a', 'b'], rows);
          const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: false }).data.slice(
            1,
            rows.length + 1,
          );
          expect(parsed).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads back exactly what was exported, formula-like text included', () => {
    const cell = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('=1+1', ' @x', '\t-3', '\r+', "'=quoted", '-'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const back = readSafeCsv(toSafeCsv(['a', '=b', 'c'], rows));
          expect(back).toEqual([['a', '=b', 'c'], ...rows]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
