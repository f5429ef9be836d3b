import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_STATE, parseViewState, serializeViewState } from '../../src/state/view-state.ts';
import type { ViewState } from '../../src/state/view-state.ts';

describe('view state in the URL', () => {
  it('round-trips a full state', () => {
    const state: ViewState = {
      ...DEFAULT_STATE,
      view: 'retention',
      granularity: 'week',
      from: '2025-01-01',
      to: '2025-02-01',
      filters: [{ table: 'signups', column: 'country', values: ['US', 'a|b:c', "O'Neil & co"] }],
      breakdown: 'source',
      madMultiplier: 2.5,
      retentionMode: 'on_or_after',
      cohort: 'month',
      cohorts: ['2025-01-01', '2025-02-01'],
      tz: 'Asia/Shanghai',
      fingerprint: 'v1-2s-1p-0123456789ab',
      series: 'authors',
      detectInSegment: true,
      retentionBy: 'country',
      mixCategories: ['cats', 'a,b', "it's ~ 100%"],
      annotations: [
        { at: '2025-01-19', text: 'TikTok goes dark ~ 12h' },
        { at: '2025-01-20T14:00', text: 'Back: "restored", 100% & more' },
      ],
      surgeStart: '2025-01-13T05:00',
    };
    const parsed = parseViewState(serializeViewState(state));
    expect(parsed).toEqual({ state, notices: [] });
  });

  it('leaves defaults out of the link', () => {
    expect(serializeViewState(DEFAULT_STATE)).toBe('');
    expect(serializeViewState({ ...DEFAULT_STATE, view: 'waves' })).toBe('view=waves');
  });

  it.each([
    ['garbage', 'view=%%%&g=yearly&k=abc', ['view', 'g', 'k']],
    [
      'wrong types',
      'k=-5&m=1e9&wave=1.5&c=notadate&rm=maybe&tz=Mars/Base',
      ['k', 'm', 'wave', 'c', 'rm', 'tz'],
    ],
    ['bad dates', 'from=2025-02-30&to=yesterday', ['from', 'to']],
    ['impossible surge starts', 'surge=2025-01-13T25:00', ['surge']],
    ['impossible month', 'surge=2025-99-01', ['surge']],
    ['bad notes and series', 'n=nonsense&n=2025-13-01~x&s=likes&seg=yes', ['n', 's', 'seg']],
    ['malformed filter', 'f=country=US&f=signups.x:%E0%A4%A', ['f']],
  ])('%s: each bad field falls back to its default with a notice', (_, search, names) => {
    const { state, notices } = parseViewState(search);
    expect(state).toEqual(DEFAULT_STATE);
    for (const n of names) expect(notices.some((m) => m.includes(`"${n}"`))).toBe(true);
  });

  it('keeps the valid fields of a partly bad link', () => {
    const { state, notices } = parseViewState('view=mix&g=yearly&grp=existing');
    expect(state).toEqual({ ...DEFAULT_STATE, view: 'mix', group: 'existing' });
    expect(notices).toHaveLength(1);
  });

  it('names unknown settings and refuses huge links whole', () => {
    expect(parseViewState('hello=1').notices[0]).toMatch(/unknown link setting "hello"/);
    const huge = parseViewState(`view=waves&x=${'a'.repeat(20_000)}`);
    expect(huge.state).toEqual(DEFAULT_STATE);
    expect(huge.notices[0]).toMatch(/too long/);
  });

  it('carries SQL-looking text as a plain value (it is bound, never pasted into SQL)', () => {
    const value = "US'; DROP TABLE signups; --";
    const search = serializeViewState({
      ...DEFAULT_STATE,
      filters: [{ table: 'signups', column: 'country', values: [value] }],
    });
    expect(parseViewState(search).state.filters).toEqual([
      { table: 'signups', column: 'country', values: [value] },
    ]);
  });

  it('never throws and always yields a valid state, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (search) => {
        const { state } = parseViewState(search);
        expect(serializeViewState(state)).toBeTypeOf('string');
      }),
      { numRuns: 500 },
    );
  });
});
