/**
 * Dates in links (issue 11, point 5): `surge=` once took hour 25 and month 99 through to the
 * engine as a Conversion Error. Every date field of a link (from, to, bf, bt, mf, mt, c, the
 * notes' dates and surge) is read as a real calendar date (surge and notes: or a date with a
 * real hour); anything else falls back to its default with a notice naming the setting. A view
 * a link cannot carry is refused with a reason instead of throwing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_STATE,
  MAX_URL_PARAMS_LENGTH,
  parseViewState,
  serializeViewState,
  unlinkableReasons,
} from '../../src/state/view-state.ts';
import type { ViewState } from '../../src/state/view-state.ts';
import { isCalendarDate } from '../../src/metrics/stats.ts';
import { labelToUtcMs } from '../../src/metrics/labels.ts';

/** Not a calendar date, though most look like one. */
const BAD_DATES = [
  '2025-02-30',
  '2025-02-29', // 2025 is no leap year
  '2025-13-01',
  '2025-99-01',
  '2025-00-10',
  '2025-01-00',
  '2025-01-32',
  '2025-1-5',
  '20250105',
  '2025/01/05',
  ' 2025-01-05',
  '2025-01-05 ',
  '+02025-01-05',
  '2025-01-05T00:00',
  '2025-01-05Z',
  'yesterday',
  '１２３４-０１-０５', // full-width digits
];

/** Not a bucket start: bad dates, and hours that are not 00-23 or not on the hour. */
const BAD_LABELS = [
  ...BAD_DATES.filter((d) => !d.includes('T')),
  '2025-01-13T25:00',
  '2025-01-13T24:00',
  '2025-01-13T99:00',
  '2025-01-13T05:30',
  '2025-01-13T5:00',
  '2025-01-13T05',
  '2025-01-13T05:00:00',
  '2025-01-13T05:00Z',
  '2025-01-13 05:00',
  '2025-99-13T05:00',
  '2025-02-30T05:00',
];

/** Each date field with its link parameter and how a value is written there. */
const DATE_FIELDS: { key: keyof ViewState; param: string; link: (v: string) => string }[] = [
  { key: 'from', param: 'from', link: (v) => `from=${encodeURIComponent(v)}` },
  { key: 'to', param: 'to', link: (v) => `to=${encodeURIComponent(v)}` },
  { key: 'baselineFrom', param: 'bf', link: (v) => `bf=${encodeURIComponent(v)}` },
  { key: 'baselineTo', param: 'bt', link: (v) => `bt=${encodeURIComponent(v)}` },
  { key: 'moversFrom', param: 'mf', link: (v) => `mf=${encodeURIComponent(v)}` },
  { key: 'moversTo', param: 'mt', link: (v) => `mt=${encodeURIComponent(v)}` },
  { key: 'cohorts', param: 'c', link: (v) => `c=2025-01-06,${encodeURIComponent(v)}` },
];

function expectFallback(search: string, key: keyof ViewState, param: string) {
  const { state, notices } = parseViewState(search);
  expect(state[key], search).toEqual(DEFAULT_STATE[key]);
  expect(
    notices.some((n) => n.includes(`"${param}"`)),
    `a notice names "${param}" for ${search}`,
  ).toBe(true);
}

describe('dates in links', () => {
  describe.each(DATE_FIELDS)('$param', ({ key, param, link }) => {
    it.each(BAD_DATES)('refuses %j with a notice', (bad) => {
      expectFallback(link(bad), key, param);
    });

    it('reads a real date, leap days included', () => {
      for (const good of ['2024-02-29', '2025-01-05', '2025-12-31']) {
        const { state, notices } = parseViewState(link(good));
        expect(notices).toEqual([]);
        const v = state[key];
        expect(Array.isArray(v) ? v : [v]).toContain(good);
      }
    });
  });

  describe('surge', () => {
    it.each(BAD_LABELS)('refuses %j with a notice', (bad) => {
      expectFallback(`surge=${encodeURIComponent(bad)}`, 'surgeStart', 'surge');
    });

    it.each(['2025-01-13', '2025-01-13T00:00', '2025-01-13T23:00', '2024-02-29T05:00'])(
      'reads %j as it is and it converts to an instant in any zone',
      (good) => {
        const { state, notices } = parseViewState(`surge=${good}`);
        expect(notices).toEqual([]);
        expect(state.surgeStart).toBe(good);
        for (const tz of ['UTC', 'Asia/Shanghai', 'America/New_York'])
          expect(Number.isFinite(labelToUtcMs(good, tz))).toBe(true);
      },
    );

    it('keeps the valid fields of a link whose surge start is impossible', () => {
      const { state, notices } = parseViewState('view=mix&surge=2025-01-13T25:00&from=2025-01-02');
      expect(state).toEqual({ ...DEFAULT_STATE, view: 'mix', from: '2025-01-02' });
      expect(notices).toHaveLength(1);
    });
  });

  describe('notes', () => {
    it.each(BAD_LABELS)('refuses a note dated %j with a notice', (bad) => {
      expectFallback(`n=${encodeURIComponent(bad)}~text`, 'annotations', 'n');
    });

    it('reads notes dated by a day or an hour', () => {
      const { state, notices } = parseViewState('n=2025-01-19~dark&n=2025-01-20T14:00~back');
      expect(notices).toEqual([]);
      expect(state.annotations.map((a) => a.at)).toEqual(['2025-01-19', '2025-01-20T14:00']);
    });
  });

  it('never lets a date through that is not a calendar date (any text in any date field)', () => {
    const params = ['from', 'to', 'bf', 'bt', 'mf', 'mt', 'surge', 'c'];
    const dateLike = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.option(fc.integer({ min: 0, max: 99 })),
      )
      .map(
        ([y, m, d, h]) =>
          `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}${h === null ? '' : `T${String(h).padStart(2, '0')}:00`}`,
      );
    fc.assert(
      fc.property(
        fc.constantFrom(...params),
        fc.oneof(dateLike, fc.string({ maxLength: 24 })),
        (param, text) => {
          const { state } = parseViewState(`${param}=${encodeURIComponent(text)}`);
          const dates = [
            state.from,
            state.to,
            state.baselineFrom,
            state.baselineTo,
            state.moversFrom,
            state.moversTo,
            ...state.cohorts,
          ].filter((d): d is string => d !== null);
          for (const d of dates) expect(isCalendarDate(d), d).toBe(true);
          if (state.surgeStart !== null) {
            const [day, hour] = state.surgeStart.split('T');
            expect(isCalendarDate(day ?? '')).toBe(true);
            if (hour !== undefined) expect(hour).toMatch(/^([01]\d|2[0-3]):00$/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('views a link cannot carry', () => {
  it('has no reason to refuse a valid view', () => {
    expect(unlinkableReasons(DEFAULT_STATE)).toEqual([]);
    expect(
      unlinkableReasons({
        ...DEFAULT_STATE,
        surgeStart: '2025-01-13T05:00',
        filters: [{ table: 'signups', column: 'country', values: ['x'.repeat(200)] }],
      }),
    ).toEqual([]);
  });

  it('refuses a value over 200 characters, saying why, where serializing would throw', () => {
    const state: ViewState = {
      ...DEFAULT_STATE,
      filters: [{ table: 'signups', column: 'campaign', values: ['x'.repeat(2000)] }],
    };
    expect(() => serializeViewState(state)).toThrow();
    const reasons = unlinkableReasons(state);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^Not applied: .*200 characters \("f"\)/);
    const categories = unlinkableReasons({ ...DEFAULT_STATE, mixCategories: ['c'.repeat(10_000)] });
    expect(categories).toEqual([expect.stringContaining('("mc")')]);
  });

  it('refuses an impossible surge start set from code, one reason per field', () => {
    const reasons = unlinkableReasons({
      ...DEFAULT_STATE,
      surgeStart: '2025-01-13T25:00',
      from: '2025-99-01',
      to: '2025-99-02',
    });
    expect(reasons).toEqual([
      'Not applied: not a valid value for "from".',
      'Not applied: not a valid value for "to".',
      'Not applied: not a valid value for "surge".',
    ]);
  });

  it('refuses a view whose link would be longer than a link is read', () => {
    const values = Array.from({ length: 50 }, (_, i) => `${i}-${'é'.repeat(150)}`);
    const state: ViewState = {
      ...DEFAULT_STATE,
      filters: [{ table: 'signups', column: 'country', values }],
    };
    expect(serializeViewState(state).length).toBeGreaterThan(MAX_URL_PARAMS_LENGTH);
    expect(unlinkableReasons(state)).toEqual([
      expect.stringMatching(/^Not applied: .*longer than/),
    ]);
  });
});
