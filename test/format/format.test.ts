import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MISSING,
  NUMBER_LOCALE,
  browserTimeZone,
  canonicalTimeZone,
  columnLabel,
  exportRounded,
  exportValue,
  formatAxis,
  formatBucket,
  formatBytes,
  formatCount,
  formatDuration,
  formatMultiple,
  formatNumber,
  formatPercent,
  formatPoints,
  humanLabel,
  numberFormat,
  orderedTimeZones,
  supportedTimeZones,
} from '../../src/format/format.ts';

describe('formatNumber', () => {
  it('adds separators and keeps at most `digits` fraction digits', () => {
    expect(formatNumber(8306)).toBe('8,306');
    expect(formatNumber(89.6774193548387, 1)).toBe('89.7');
    expect(formatNumber(1234.5678)).toBe('1,234.57');
    expect(formatNumber(1.5, 2)).toBe('1.5');
    expect(formatNumber(3, 2)).toBe('3');
    expect(formatNumber(-1.25, 1)).toBe('-1.3');
    expect(formatNumber(2.5, 0)).toBe('3');
  });

  it('never shows negative zero', () => {
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-0.04, 1)).toBe('0');
    expect(formatNumber(-0.0000001)).toBe('0');
    expect(formatNumber(-0.4, 0)).toBe('0');
  });

  it('shows missing values as a dash', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(NaN)).toBe('—');
    expect(MISSING).toBe('—');
  });

  it('writes huge numbers in full, never in scientific notation', () => {
    expect(formatNumber(1e21)).toBe('1,000,000,000,000,000,000,000');
    expect(formatNumber(123456789012.345, 1)).toBe('123,456,789,012.3');
    expect(formatNumber(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991');
  });

  it('uses en-US by default and another locale when asked', () => {
    expect(NUMBER_LOCALE).toBe('en-US');
    expect(formatNumber(1234.5, 1, 'de-DE')).toBe('1.234,5');
    expect(formatNumber(1234.5, 1, 'not a locale')).toBe('1,234.5');
  });

  it('tolerates out-of-range digits', () => {
    expect(formatNumber(1.23456, -3)).toBe('1');
    expect(formatNumber(1.5, 1.6)).toBe('1.5');
    expect(formatNumber(1.5, 500)).toBe('1.5');
  });
});

describe('formatCount', () => {
  it('rounds to whole numbers with separators', () => {
    expect(formatCount(3075)).toBe('3,075');
    expect(formatCount(8306)).toBe('8,306');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999.6)).toBe('1,000');
    expect(formatCount(-0.3)).toBe('0');
    expect(formatCount(-1234)).toBe('-1,234');
    expect(formatCount(null)).toBe('—');
    expect(formatCount(NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('shows shares as percentages with fixed digits', () => {
    expect(formatPercent(0.7158)).toBe('71.6%');
    expect(formatPercent(0.7158, 2)).toBe('71.58%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(12.5)).toBe('1,250.0%');
    expect(formatPercent(-0.25)).toBe('-25.0%');
  });

  it('never shows negative zero; missing is a dash', () => {
    expect(formatPercent(-0.0004)).toBe('0.0%');
    expect(formatPercent(-0)).toBe('0.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(NaN)).toBe('—');
  });
});

describe('formatPoints', () => {
  it('signs changes, but not zero', () => {
    expect(formatPoints(3.24)).toBe('+3.2 pp');
    expect(formatPoints(-1.5)).toBe('-1.5 pp');
    expect(formatPoints(-0.04)).toBe('0.0 pp');
    expect(formatPoints(0.04)).toBe('0.0 pp');
    expect(formatPoints(0)).toBe('0.0 pp');
    expect(formatPoints(-0)).toBe('0.0 pp');
    expect(formatPoints(12.345, 2)).toBe('+12.35 pp');
    expect(formatPoints(1234.5)).toBe('+1,234.5 pp');
    expect(formatPoints(null)).toBe('—');
  });
});

describe('formatMultiple', () => {
  it('prefixes a times sign', () => {
    expect(formatMultiple(53.017)).toBe('×53.0');
    expect(formatMultiple(1)).toBe('×1.0');
    expect(formatMultiple(2.345, 2)).toBe('×2.35');
    expect(formatMultiple(1234)).toBe('×1,234.0');
    expect(formatMultiple(-0.01)).toBe('×0.0');
    expect(formatMultiple(null)).toBe('—');
    expect(formatMultiple(NaN)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses 1024-based units at the thresholds', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1023)).toBe('1,023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1024 ** 2 - 1)).toBe('1.0 MB');
    expect(formatBytes(1024 ** 2)).toBe('1.0 MB');
    expect(formatBytes(3.2 * 1024 ** 2)).toBe('3.2 MB');
    expect(formatBytes(1024 ** 3 - 1)).toBe('1.00 GB');
    expect(formatBytes(1.42 * 1024 ** 3)).toBe('1.42 GB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.00 TB');
    expect(formatBytes(NaN)).toBe('—');
    expect(formatBytes(-0.4)).toBe('0 B');
    expect(formatBytes(-2048)).toBe('-2.0 KB');
  });
});

describe('formatDuration', () => {
  it('picks the unit people think in', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(0.42)).toBe('0.4 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(59_940)).toBe('59.9 s');
    expect(formatDuration(59_960)).toBe('1 min');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3_599_400)).toBe('59 min 59 s');
    expect(formatDuration(3_599_600)).toBe('1 h');
    expect(formatDuration(7_380_000)).toBe('2 h 3 min');
    expect(formatDuration(-1234)).toBe('-1.2 s');
    expect(formatDuration(-0.01)).toBe('0 ms');
    expect(formatDuration(Infinity)).toBe('—');
  });
});

describe('formatBucket', () => {
  it('keeps dates ISO and reads hours, weeks and months', () => {
    expect(formatBucket('2025-01-14')).toBe('2025-01-14');
    expect(formatBucket('2025-01-14', 'day')).toBe('2025-01-14');
    expect(formatBucket('2025-01-14T16:00')).toBe('2025-01-14 16:00');
    expect(formatBucket('2025-01-14T16:00', 'hour')).toBe('2025-01-14 16:00');
    expect(formatBucket('2025-01-14T16:00:00.000Z', 'hour')).toBe('2025-01-14 16:00');
    expect(formatBucket('2025-01-14', 'hour')).toBe('2025-01-14 00:00');
    expect(formatBucket('2025-01-13', 'week')).toBe('week of 2025-01-13');
    expect(formatBucket('2025-01-01', 'month')).toBe('2025-01');
  });

  it('returns labels it does not recognise unchanged', () => {
    expect(formatBucket('2025-01', 'month')).toBe('2025-01');
    expect(formatBucket('all time', 'week')).toBe('all time');
    expect(formatBucket('')).toBe('');
  });
});

describe('formatAxis', () => {
  it('writes compact ticks', () => {
    expect(formatAxis(22000)).toBe('22k');
    expect(formatAxis(16500)).toBe('16.5k');
    expect(formatAxis(1_200_000)).toBe('1.2M');
    expect(formatAxis(950)).toBe('950');
    expect(formatAxis(1250)).toBe('1.25k');
    expect(formatAxis(999_950)).toBe('1M');
    expect(formatAxis(3e9)).toBe('3B');
    expect(formatAxis(0)).toBe('0');
    expect(formatAxis(-0)).toBe('0');
    expect(formatAxis(-22000)).toBe('-22k');
    expect(formatAxis(0.25)).toBe('0.25');
    expect(formatAxis(NaN)).toBe('—');
  });
});

describe('humanLabel', () => {
  const expected: Record<string, string> = {
    peak_signups: 'Peak signups',
    peak_multiple: 'Peak multiple',
    bucket_start: 'Bucket start',
    cohort_size: 'Cohort size',
    active_users: 'Active users',
    active_on_or_after: 'Active in or after the period',
    rows_read: 'Rows read',
    user_id: 'User ID',
    signup_at: 'Signup time',
    created_at: 'Post time',
    post_id: 'Post ID',
    category: 'Category',
    change_pp: 'Change (pp)',
    baseline_share: 'Baseline share',
    window_share: 'Window share',
    share: 'Share',
    wave_signups: 'Wave signups',
    baseline_signups: 'Baseline signups',
    expected: 'Expected at baseline pace',
    excess: 'Above baseline',
    ci_low: '95% CI low',
    ci_high: '95% CI high',
    retention: 'Retention',
    period: 'Period',
    group: 'Group',
    jsd: 'Drift (JSD)',
    posts: 'Posts',
    signups: 'Signups',
    value: 'Value',
    cohort_start: 'Cohort start',
  };
  for (const [name, label] of Object.entries(expected)) {
    it(`${name} -> ${label}`, () => expect(humanLabel(name)).toBe(label));
  }

  it('falls back to sentence case', () => {
    expect(humanLabel('acquisition_source')).toBe('Acquisition source');
    expect(humanLabel('account_id')).toBe('Account ID');
    expect(humanLabel('utm_campaign')).toBe('UTM campaign');
    expect(humanLabel('signupCount')).toBe('Signup count');
    expect(humanLabel('constructor')).toBe('Constructor');
    expect(humanLabel('')).toBe('');
  });
});

describe('columnLabel', () => {
  it("keeps the user's spelling and qualifies only when asked", () => {
    expect(columnLabel('signups', 'country')).toBe('country');
    expect(columnLabel('signups', 'country', true)).toBe('country (signups)');
    expect(columnLabel('posts', 'Acquisition Source', true)).toBe('Acquisition Source (posts)');
    expect(columnLabel('posts', 'Acquisition Source')).toBe('Acquisition Source');
  });
});

describe('exportRounded', () => {
  it('rounds like the screen, scales shares to percent, and never writes -0', () => {
    expect(exportRounded(0.715834, 1, 100)).toBe(71.6);
    expect(exportRounded(89.6774193548387, 1)).toBe(89.7);
    expect(exportRounded(-0.04, 1)).toBe(0);
    expect(Object.is(exportRounded(-0.04, 1), -0)).toBe(false);
    expect(exportRounded(52.64, 1)).toBe(52.6);
    expect(exportRounded(null, 1)).toBe('');
    expect(exportRounded(Number.NaN, 1)).toBe('');
    expect(exportRounded('CA', 1)).toBe('CA');
  });
});

describe('exportValue', () => {
  it('rounds numbers like the screen, without separators', () => {
    expect(exportValue(8306.4, 'count')).toBe(8306);
    expect(exportValue(12345678, 'count')).toBe(12345678);
    expect(exportValue(0.71583, 'share')).toBe(0.7158);
    expect(exportValue(53.017, 'multiple')).toBe(53.02);
    expect(exportValue(89.6774193548387, 'number')).toBe(89.68);
    expect(exportValue(89.6774193548387)).toBe(89.68);
    expect(exportValue(3075)).toBe(3075);
    expect(exportValue(1.005, 'multiple')).toBe(1.01);
  });

  it('never writes negative zero or scientific notation', () => {
    expect(Object.is(exportValue(-0.00001, 'share'), 0)).toBe(true);
    expect(Object.is(exportValue(-0, 'count'), 0)).toBe(true);
    expect(exportValue(1e21, 'count')).toBe('1000000000000000000000');
    expect(exportValue(1e-7, 'share')).toBe(0);
    expect(exportValue(1e-7, 'text')).toBe('0.0000001');
    expect(String(exportValue(1e20, 'count'))).toBe('100000000000000000000');
  });

  it('handles missing values, bigints, dates and text', () => {
    expect(exportValue(null)).toBe('');
    expect(exportValue(undefined)).toBe('');
    expect(exportValue(NaN, 'share')).toBe('');
    expect(exportValue(Infinity, 'multiple')).toBe('');
    expect(exportValue(42n, 'count')).toBe(42);
    expect(exportValue(12345678901234567890n, 'count')).toBe('12345678901234567890');
    expect(exportValue(new Date(Date.UTC(2025, 0, 14)))).toBe('2025-01-14T00:00:00.000Z');
    expect(exportValue('US', 'text')).toBe('US');
    expect(exportValue('0.5', 'share')).toBe('0.5');
    expect(exportValue(true)).toBe('true');
  });
});

describe('numberFormat', () => {
  it('returns the same cached instance for the same options', () => {
    const a = numberFormat({ maximumFractionDigits: 3 });
    expect(numberFormat({ maximumFractionDigits: 3 })).toBe(a);
    expect(numberFormat({ maximumFractionDigits: 3 }, 'de-DE')).not.toBe(a);
    expect(a.format(1.23456)).toBe('1.235');
  });
});

describe('time zones', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('lists every zone once, sorted, with UTC and current IANA names', () => {
    const zones = supportedTimeZones();
    expect(zones.length).toBeGreaterThan(300);
    expect(new Set(zones).size).toBe(zones.length);
    expect(zones).toEqual([...zones].sort());
    expect(zones).toContain('UTC');
    expect(zones).toContain('Asia/Kolkata');
    expect(zones).toContain('America/New_York');
    expect(zones).not.toContain('Asia/Calcutta');
    // Callers get their own copy.
    zones.pop();
    expect(supportedTimeZones().length).toBe(zones.length + 1);
  });

  it('maps old names to current ones', () => {
    expect(canonicalTimeZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('Not/AZone')).toBe('Not/AZone');
  });

  it("reads the runtime's zone under its current name", () => {
    process.env.TZ = 'Asia/Calcutta';
    expect(browserTimeZone()).toBe('Asia/Kolkata');
    process.env.TZ = 'America/New_York';
    expect(browserTimeZone()).toBe('America/New_York');
  });

  it('orders the browser zone first, then UTC, then the current zone, then the rest', () => {
    const zones = orderedTimeZones('Europe/Paris', 'America/New_York');
    expect(zones.slice(0, 3)).toEqual(['America/New_York', 'UTC', 'Europe/Paris']);
    expect(new Set(zones).size).toBe(zones.length);
    const rest = zones.slice(3);
    expect(rest).toEqual([...rest].sort());
    expect(zones).toContain('Asia/Kolkata');
    expect(zones.length).toBe(supportedTimeZones().length);
  });

  it('uses the browser zone by default and never lists a zone twice', () => {
    process.env.TZ = 'Asia/Kolkata';
    const zones = orderedTimeZones();
    expect(zones[0]).toBe(browserTimeZone());
    expect(zones[0]).toBe('Asia/Kolkata');
    expect(zones[1]).toBe('UTC');
    expect(new Set(zones).size).toBe(zones.length);
    expect(zones).toContain('America/New_York');

    expect(orderedTimeZones('UTC', 'UTC').slice(0, 2)).toEqual(['UTC', 'Africa/Abidjan']);
    const same = orderedTimeZones('America/New_York', 'America/New_York');
    expect(same.filter((z) => z === 'America/New_York')).toHaveLength(1);
  });

  it('keeps an old-named current zone verbatim so a select can show it', () => {
    const zones = orderedTimeZones('Asia/Calcutta', 'Asia/Calcutta');
    expect(zones.slice(0, 3)).toEqual(['Asia/Kolkata', 'UTC', 'Asia/Calcutta']);
  });
});

describe('properties', () => {
  const anyNumber = fc.oneof(
    fc.double(),
    fc.double({ min: -1, max: 1 }),
    fc.double({ min: -1e-3, max: 1e-3 }),
    fc.integer().map((i) => i / 1000),
    fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, -Number.MIN_VALUE, -0.05, -0.5, -0.00049),
  );
  /** A minus sign followed only by zeros (and separators): "-0", "-0.0", "-0.00%", "-0 pp". */
  const negativeZero = /[-−][0.,]*0[0.,]*(?![0-9.,])/;

  it('negativeZero spots what it should', () => {
    for (const s of ['-0', '-0.0', '-0.00%', '-0.0 pp', '×-0.0', '−0.0'])
      expect(s).toMatch(negativeZero);
    for (const s of ['-0.5', '-0.05%', '-10', '-1,000', '-∞', '0.0', '+0.1 pp']) {
      expect(s).not.toMatch(negativeZero);
    }
  });

  it('formatNumber and formatPercent never show negative zero or NaN', () => {
    fc.assert(
      fc.property(anyNumber, fc.integer({ min: 0, max: 6 }), (n, digits) => {
        for (const s of [
          formatNumber(n, digits),
          formatPercent(n, digits),
          formatPoints(n, digits),
          formatMultiple(n, digits),
          formatCount(n),
          formatAxis(n),
          formatBytes(n),
          formatDuration(n),
        ]) {
          expect(s).not.toMatch(negativeZero);
          expect(s).not.toContain('NaN');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('exportValue never yields scientific notation or negative zero', () => {
    fc.assert(
      fc.property(
        anyNumber,
        fc.constantFrom('count', 'share', 'number', 'multiple', undefined),
        (n, kind) => {
          const v = exportValue(n, kind);
          expect(String(v)).not.toMatch(/e/i);
          expect(Object.is(v, -0)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
