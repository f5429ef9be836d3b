import { describe, expect, it } from 'vitest';
import type { RetentionCell } from '../../src/metrics/retention.ts';
import { readSafeCsv } from '../../src/share/csv-export.ts';
import {
  heatDomain,
  heatLevel,
  MAX_MIX,
  periodZeroNote,
  periodZeroShortfall,
  triangleCsv,
  triangleRows,
} from '../../src/tables/retention-cells.ts';

/** A cell with `active` users active in the period and `after` in it or later. */
function cell(
  cohort: string,
  period: number,
  size: number,
  active: number,
  complete = true,
  after = active,
): RetentionCell {
  return {
    cohort_start: cohort,
    cohort_size: size,
    period,
    active_users: active,
    retention: size > 0 ? active / size : 0,
    active_on_or_after: after,
    complete,
  };
}

describe('triangle colour scale', () => {
  const cells = [
    cell('2025-01-06', 0, 10, 6),
    cell('2025-01-06', 1, 10, 3),
    cell('2025-01-13', 0, 20, 8),
    // The last, partial week: few users, a high rate, not complete.
    cell('2025-01-13', 1, 20, 18, false),
    cell('2025-01-20', 0, 2, 2, false),
  ];

  it('takes its top from complete cells only', () => {
    expect(heatDomain(cells, 'on')).toBeCloseTo(0.6);
  });

  it('ignores an incomplete cell with a higher rate, which is drawn clamped to the top', () => {
    const max = heatDomain(cells, 'on');
    expect(heatLevel(1, max)).toBe(MAX_MIX);
    expect(heatLevel(0.6, max)).toBe(MAX_MIX);
    expect(heatLevel(0.3, max)).toBe(Math.round(MAX_MIX / 2));
    expect(heatLevel(0, max)).toBe(0);
  });

  it('follows the mode', () => {
    const c = [cell('2025-01-06', 1, 10, 2, true, 7), cell('2025-01-13', 1, 10, 1, false, 10)];
    expect(heatDomain(c, 'on')).toBeCloseTo(0.2);
    expect(heatDomain(c, 'on_or_after')).toBeCloseTo(0.7);
  });

  it('is 0 with no complete cell, and then shades nothing', () => {
    const max = heatDomain([cell('2025-01-06', 0, 5, 5, false)], 'on');
    expect(max).toBe(0);
    expect(heatLevel(1, max)).toBe(0);
  });

  it('skips empty cohorts and never returns NaN', () => {
    expect(heatDomain([cell('2025-01-06', 0, 0, 0)], 'on')).toBe(0);
    expect(heatLevel(Number.NaN, 0.5)).toBe(0);
  });
});

describe('period-0 note', () => {
  it('is not needed when every cohort is 100% active in period 0', () => {
    const cells = [cell('2025-01-06', 0, 10, 10), cell('2025-01-06', 1, 10, 4)];
    expect(periodZeroShortfall(cells, 'on')).toBeNull();
  });

  it('counts cohorts below 100% in period 0 and the overall rate', () => {
    const cells = [
      cell('2025-01-06', 0, 10, 10),
      cell('2025-01-13', 0, 10, 6, true, 9),
      cell('2025-01-13', 1, 10, 10),
      cell('2025-01-20', 0, 20, 20, false),
    ];
    const on = periodZeroShortfall(cells, 'on');
    expect(on).toEqual({ below: 1, cohorts: 3, rate: 36 / 40 });
    const text = periodZeroNote(on!, 'on', 'week');
    expect(text).toContain('in 1 of 3 cohorts');
    expect(text).toContain('90.0%');
    expect(text).toContain('posted only in a later week, or never');
    // On or after: only users who never posted keep period 0 below 100%.
    const after = periodZeroShortfall(cells, 'on_or_after');
    expect(after).toEqual({ below: 1, cohorts: 3, rate: 39 / 40 });
    expect(periodZeroNote(after!, 'on_or_after', 'week')).toContain('never posted');
  });

  it('says "every cohort" when all are below', () => {
    const s = periodZeroShortfall([cell('2025-01-06', 0, 4, 1)], 'on');
    expect(periodZeroNote(s!, 'on', 'day')).toContain('in every cohort');
  });
});

describe('triangle rows and CSV', () => {
  it('groups cells by cohort, oldest first, with holes past the data end', () => {
    const { rows, maxPeriod } = triangleRows([
      cell('2025-01-13', 0, 5, 2),
      cell('2025-01-06', 1, 4, 1),
      cell('2025-01-06', 0, 4, 4),
    ]);
    expect(maxPeriod).toBe(1);
    expect(rows.map((r) => r.cohort_start)).toEqual(['2025-01-06', '2025-01-13']);
    expect(rows[1]?.cells[1]).toBeUndefined();
  });

  it('writes readable headers and both modes', () => {
    const csv = readSafeCsv(triangleCsv([cell('2025-01-06', 1, 3, 1, false, 2)]));
    expect(csv[0]).toEqual([
      'Cohort start',
      'Cohort size',
      'Period',
      'Active users',
      'Retention (%)',
      'Active in or after the period',
      'Retention in or after the period (%)',
      'Complete',
    ]);
    expect(csv[1]).toEqual(['2025-01-06', '3', '1', '1', '33.3', '2', '66.7', 'no']);
  });
});
