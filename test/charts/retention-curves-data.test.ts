import { describe, expect, it } from 'vitest';
import {
  averageSeries,
  cohortSeries,
  curveRows,
  groupLabel,
  groupSpan,
  maxPeriodOf,
  missingReason,
  REST_COLOR,
  SERIES_COLORS,
  segmentOrder,
} from '../../src/charts/retention-curves-data.ts';
import type { CurveSeries } from '../../src/charts/retention-curves-data.ts';
import type { GroupSpans } from '../../src/metrics/frame.ts';
import type { CurveRow, RetentionCell } from '../../src/metrics/retention.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 13);
const spans: GroupSpans = {
  surgeUtcMs: T0,
  waves: [
    { startUtcMs: T0, endUtcMs: T0 + 3 * DAY },
    { startUtcMs: T0 + 10 * DAY, endUtcMs: T0 + 12 * DAY },
  ],
};

const row = (key: string, period: number, size: number, active: number, after = active) =>
  ({ key, period, cohort_size: size, active_users: active, active_on_or_after: after }) as CurveRow;

describe('curves by wave group', () => {
  // Rows arrive in the engine's (alphabetical) order, not the display order.
  const rows = [
    row('before', 0, 100, 80),
    row('before', 1, 100, 12),
    row('between', 0, 30, 20),
    row('wave 1', 0, 41, 35, 40),
    row('wave 1', 1, 41, 14, 20),
    row('wave 2', 0, 10, 9),
  ];

  it('orders before → wave 1 → wave 2 → between, with names for people', () => {
    const s = averageSeries(rows, { kind: 'group', spans }, 'on');
    expect(s.map((x) => x.id)).toEqual(['before', 'wave 1', 'wave 2', 'between']);
    expect(s.map((x) => x.name)).toEqual([
      'before the surge',
      'wave 1',
      'wave 2',
      'between or after waves',
    ]);
    expect(s.every((x) => x.average)).toBe(true);
    expect(new Set(s.map((x) => x.key)).size).toBe(s.length);
  });

  it('gives each group its own colour, grey for between waves', () => {
    const s = averageSeries(rows, { kind: 'group', spans }, 'on');
    expect(new Set(s.map((x) => x.color)).size).toBe(s.length);
    expect(s[0]?.color).toBe(SERIES_COLORS[0]);
    expect(s[3]?.color).toBe(REST_COLOR);
  });

  it('computes rates and Wilson bands per mode', () => {
    const on = averageSeries(rows, { kind: 'group', spans }, 'on');
    const w1 = on[1]?.points.find((p) => p.period === 1);
    expect(w1?.retention).toBeCloseTo(14 / 41);
    expect(w1?.size).toBe(41);
    expect(w1?.low).toBeLessThan(14 / 41);
    expect(w1?.high).toBeGreaterThan(14 / 41);
    const after = averageSeries(rows, { kind: 'group', spans }, 'on_or_after');
    expect(after[1]?.points.find((p) => p.period === 1)?.retention).toBeCloseTo(20 / 41);
  });

  it('keeps a group with no complete cell, with no points', () => {
    const s = averageSeries(
      rows.filter((r) => r.key !== 'wave 2'),
      { kind: 'group', spans },
      'on',
    );
    expect(s.map((x) => x.id)).toEqual(['before', 'wave 1', 'wave 2', 'between']);
    expect(s[2]?.points).toEqual([]);
  });

  it('with no surge start is one curve of all users', () => {
    const none: GroupSpans = { surgeUtcMs: null, waves: [] };
    const s = averageSeries([row('before', 0, 5, 3)], { kind: 'group', spans: none }, 'on');
    expect(s.map((x) => x.name)).toEqual(['all users']);
    expect(groupLabel('before', false)).toBe('all users');
  });
});

describe('curves by a signup column', () => {
  const rows = [
    row('Other', 0, 500, 100),
    row('(missing)', 0, 20, 5),
    row('de', 0, 80, 40),
    row('us', 0, 300, 90),
    row('us', 1, 290, 30),
    row('fr', 0, 80, 20),
  ];

  it('puts values with most users first and Other last', () => {
    expect(segmentOrder(rows)).toEqual(['us', 'de', 'fr', '(missing)', 'Other']);
    const s = averageSeries(rows, { kind: 'segment' }, 'on');
    expect(s.map((x) => x.name)).toEqual(['us', 'de', 'fr', '(missing)', 'Other']);
    expect(s.at(-1)?.color).toBe(REST_COLOR);
    expect(new Set(s.map((x) => x.color)).size).toBe(s.length);
  });

  it('gives 8 values and Other distinct colours', () => {
    const many = [
      ...Array.from({ length: 8 }, (_, i) => row(`v${i}`, 0, 100 - i, 1)),
      row('Other', 0, 1, 1),
    ];
    const s = averageSeries(many, { kind: 'segment' }, 'on');
    expect(s.map((x) => x.id).at(-1)).toBe('Other');
    expect(new Set(s.map((x) => x.color)).size).toBe(9);
  });
});

describe('chart rows', () => {
  const cells: RetentionCell[] = [
    {
      cohort_start: '2025-01-06',
      cohort_size: 10,
      period: 0,
      active_users: 6,
      retention: 0.6,
      active_on_or_after: 8,
      complete: true,
    },
    {
      cohort_start: '2025-01-06',
      cohort_size: 10,
      period: 1,
      active_users: 3,
      retention: 0.3,
      active_on_or_after: 3,
      complete: false,
    },
  ];

  it('draws chosen cohorts over complete cells only, and skips cohorts not present', () => {
    const s = cohortSeries(cells, ['2025-01-06', '2024-12-30'], 'on_or_after', 'week');
    expect(s).toHaveLength(1);
    expect(s[0]?.name).toBe('cohort week of 2025-01-06');
    expect(s[0]?.points).toHaveLength(1);
    expect(s[0]?.points[0]).toMatchObject({ period: 0, retention: 0.8, active: 8, size: 10 });
    expect(s[0]?.points[0]?.low).toBeLessThan(0.8);
  });

  it('puts each series and its band on the period rows', () => {
    const avg = averageSeries(
      [row('before', 0, 10, 5), row('before', 2, 10, 1)],
      { kind: 'group', spans },
      'on',
    );
    const series = [...avg.filter((x) => x.points.length > 0)];
    const rows = curveRows(series, maxPeriodOf(series));
    expect(rows).toHaveLength(3);
    expect(rows[0]?.a0).toBe(0.5);
    expect(Array.isArray(rows[0]?.a0_band)).toBe(true);
    expect(rows[1]?.a0).toBeUndefined();
  });
});

describe('why a curve has no point', () => {
  const empty: CurveSeries = {
    key: 'a1',
    id: 'wave 2',
    name: 'wave 2',
    color: '#000',
    points: [],
    average: true,
  };
  const last = T0 + 11 * DAY;

  it('says the period is not complete yet when the curve has other points', () => {
    const s = { ...empty, points: [{ period: 0, retention: 0.5 }] };
    expect(missingReason(s, 1, 'week', groupSpan('wave 2', spans), last)).toBe(
      'no complete week-1 cell yet',
    );
  });

  it('tells no users from users only in the last, partial bucket', () => {
    expect(missingReason(empty, 1, 'week', groupSpan('wave 1', spans), last)).toBe('no users');
    expect(missingReason(empty, 1, 'week', groupSpan('wave 2', spans), T0 + 9 * DAY)).toContain(
      'last, partial week',
    );
    expect(missingReason(empty, 1, 'week', groupSpan('wave 2', spans), last)).toBe(
      'no users before the last, partial week',
    );
    expect(missingReason(empty, 1, 'day', groupSpan('between', spans), last)).toBe(
      'no users before the last, partial day',
    );
  });
});

describe('line colours', () => {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => channel(parseInt(hex.slice(i, i + 2), 16)));
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  };
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
  };

  it('keep 3:1 against both the light and the dark page', () => {
    for (const c of [...SERIES_COLORS, REST_COLOR]) {
      expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(3);
      expect(contrast(c, '#0d1117'), c).toBeGreaterThanOrEqual(3);
    }
  });
});
