/**
 * The one place the app turns values into text for people: numbers, shares, sizes, durations,
 * bucket labels, axis ticks, CSV cells for exports and the time-zone picker's list. Built on
 * `Intl`. Numbers use a fixed locale (`NUMBER_LOCALE`) unless a caller passes one, so tests,
 * screenshots and exports are stable; dates are always ISO (`YYYY-MM-DD`).
 */

export { APP_LABELS, columnLabel, humanLabel } from './labels.ts';
export {
  browserTimeZone,
  canonicalTimeZone,
  orderedTimeZones,
  supportedTimeZones,
} from './time-zones.ts';

/** Locale for numbers unless a caller passes one: fixed, so output doesn't depend on the machine. */
export const NUMBER_LOCALE = 'en-US';

/** What every formatter shows for a missing value (null, undefined, NaN). */
export const MISSING = '—';

/** Fraction digits `formatNumber` (and `exportValue(x, 'number')`) keep when not told. */
export const DEFAULT_DIGITS = 2;

/** Bucket sizes a label can name (same strings as the metrics' `Granularity`). */
export type BucketGranularity = 'hour' | 'day' | 'week' | 'month';

/** How `exportValue` rounds a cell. */
export type ExportKind = 'count' | 'share' | 'number' | 'multiple' | 'text';

// ---------------------------------------------------------------------------------------------
// Cached Intl.NumberFormat

interface CachedFormat {
  format: Intl.NumberFormat;
  /** How this format writes zero: a value that rounds to zero is shown exactly like this. */
  zero: string;
}

const formats = new Map<string, CachedFormat>();

function cached(options: Intl.NumberFormatOptions, locale: string): CachedFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let entry = formats.get(key);
  if (!entry) {
    let format: Intl.NumberFormat;
    try {
      format = new Intl.NumberFormat(locale, options);
    } catch (e) {
      // A malformed locale (e.g. from navigator.language) must not break rendering.
      if (!(e instanceof RangeError) || locale === NUMBER_LOCALE) throw e;
      return cached(options, NUMBER_LOCALE);
    }
    entry = { format, zero: format.format(0) };
    formats.set(key, entry);
  }
  return entry;
}

/**
 * A cached `Intl.NumberFormat` for `options`, for callers needing a format not covered here.
 * Constructing one is slow and these run in render loops over thousands of values.
 */
export function numberFormat(
  options: Intl.NumberFormatOptions = {},
  locale: string = NUMBER_LOCALE,
): Intl.NumberFormat {
  return cached(options, locale).format;
}

/** Formats `n`, writing anything that rounds to zero (including -0) as plain zero: no "-0.0". */
function fmt(entry: CachedFormat, n: number): string {
  if (n > 0) return entry.format.format(n);
  const abs = entry.format.format(-n);
  return abs === entry.zero ? entry.zero : entry.format.format(n);
}

/** Digits as Intl accepts them: a whole number from 0 to 20. */
function clampDigits(digits: number): number {
  if (!Number.isFinite(digits)) return 0;
  return Math.min(20, Math.max(0, Math.round(digits)));
}

/** "-" + `text`, unless `text` reads as zero (then no sign). */
function negated(text: string, zero: string): string {
  return text === zero ? text : `-${text}`;
}

function isMissing(n: number | null | undefined): n is null | undefined {
  return n === null || n === undefined || Number.isNaN(n);
}

// ---------------------------------------------------------------------------------------------
// Numbers

/**
 * A number for people: thousands separators, at most `digits` fraction digits (trailing zeros
 * dropped), never "-0" (-0.04 with 1 digit is "0"). Missing values (null, undefined, NaN) are
 * '—' so a table cell never reads "NaN".
 */
export function formatNumber(
  n: number | null | undefined,
  digits: number = DEFAULT_DIGITS,
  locale: string = NUMBER_LOCALE,
): string {
  if (isMissing(n)) return MISSING;
  return fmt(cached({ maximumFractionDigits: clampDigits(digits) }, locale), n);
}

/** A count: a whole number with separators (3075 -> "3,075"), so large counts are easy to read. */
export function formatCount(n: number | null | undefined, locale: string = NUMBER_LOCALE): string {
  if (isMissing(n)) return MISSING;
  return fmt(cached({ maximumFractionDigits: 0 }, locale), n);
}

/**
 * A share (0..1) as a percentage with exactly `digits` fraction digits (0.7158 -> "71.6%"), so a
 * column of shares lines up. Tiny negatives from float error show as "0.0%", never "-0.0%".
 */
export function formatPercent(
  share: number | null | undefined,
  digits = 1,
  locale: string = NUMBER_LOCALE,
): string {
  if (isMissing(share)) return MISSING;
  const d = clampDigits(digits);
  return fmt(
    cached({ style: 'percent', minimumFractionDigits: d, maximumFractionDigits: d }, locale),
    share,
  );
}

/**
 * A change in percentage points, signed so direction is visible at a glance (3.24 -> "+3.2 pp",
 * -1.5 -> "-1.5 pp"); a change that rounds to zero has no sign ("0.0 pp").
 */
export function formatPoints(
  pp: number | null | undefined,
  digits = 1,
  locale: string = NUMBER_LOCALE,
): string {
  if (isMissing(pp)) return MISSING;
  const d = clampDigits(digits);
  const entry = cached({ minimumFractionDigits: d, maximumFractionDigits: d }, locale);
  const text = fmt(entry, pp);
  // Sign added by hand: engines differ on whether signDisplay 'exceptZero' signs "+0.0".
  return `${pp > 0 && text !== entry.zero ? '+' : ''}${text} pp`;
}

/** A multiple of a baseline (53.017 -> "×53.0"), with exactly `digits` fraction digits. */
export function formatMultiple(
  x: number | null | undefined,
  digits = 1,
  locale: string = NUMBER_LOCALE,
): string {
  if (isMissing(x)) return MISSING;
  const d = clampDigits(digits);
  return `×${fmt(cached({ minimumFractionDigits: d, maximumFractionDigits: d }, locale), x)}`;
}

const BYTE_UNITS: readonly { unit: string; size: number; digits: number }[] = [
  { unit: 'KB', size: 1024, digits: 1 },
  { unit: 'MB', size: 1024 ** 2, digits: 1 },
  { unit: 'GB', size: 1024 ** 3, digits: 2 },
  { unit: 'TB', size: 1024 ** 4, digits: 2 },
];

/**
 * A file size, 1024-based like the upload view always showed: "0 B", "999 B", "1.0 KB",
 * "3.2 MB", "1.42 GB" (and TB past that). A value that would round up to 1024 of a unit is shown
 * in the next unit ("1.0 MB", not "1,024.0 KB").
 */
export function formatBytes(n: number, locale: string = NUMBER_LOCALE): string {
  if (!Number.isFinite(n)) return MISSING;
  if (n < 0) return negated(formatBytes(-n, locale), formatBytes(0, locale));
  const bytes = Math.round(n);
  let i = -1; // index into BYTE_UNITS; -1 means plain bytes
  while (i + 1 < BYTE_UNITS.length && bytes >= (BYTE_UNITS[i + 1]?.size ?? Infinity)) i++;
  const unit = BYTE_UNITS[i];
  // Promote when rounding would print 1024 of a unit.
  if (
    unit &&
    i + 1 < BYTE_UNITS.length &&
    Number((bytes / unit.size).toFixed(unit.digits)) >= 1024
  ) {
    i++;
  }
  const chosen = BYTE_UNITS[i];
  if (!chosen) return `${fmt(cached({ maximumFractionDigits: 0 }, locale), bytes)} B`;
  const d = chosen.digits;
  const entry = cached({ minimumFractionDigits: d, maximumFractionDigits: d }, locale);
  return `${fmt(entry, bytes / chosen.size)} ${chosen.unit}`;
}

/**
 * A duration in the unit people think in: "850 ms", "1.2 s", "1 min 5 s", "2 h 3 min". Used for
 * query and load timings; rounding never shows "60.0 s" or "1000 ms".
 */
export function formatDuration(ms: number, locale: string = NUMBER_LOCALE): string {
  if (!Number.isFinite(ms)) return MISSING;
  if (ms < 0) return negated(formatDuration(-ms, locale), formatDuration(0, locale));
  const whole = cached({ maximumFractionDigits: 0 }, locale);
  const r = ms < 10 ? ms : Math.round(ms);
  if (r < 1000) return `${fmt(cached({ maximumFractionDigits: 1 }, locale), r)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) {
    const one = cached({ minimumFractionDigits: 1, maximumFractionDigits: 1 }, locale);
    return `${fmt(one, tenths / 10)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return s === 0 ? `${fmt(whole, m)} min` : `${fmt(whole, m)} min ${fmt(whole, s)} s`;
  }
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${fmt(whole, h)} h` : `${fmt(whole, h)} h ${fmt(whole, m)} min`;
}

const AXIS_UNITS: readonly { suffix: string; size: number }[] = [
  { suffix: '', size: 1 },
  { suffix: 'k', size: 1e3 },
  { suffix: 'M', size: 1e6 },
  { suffix: 'B', size: 1e9 },
  { suffix: 'T', size: 1e12 },
];

/**
 * A compact axis tick, at most 3 significant digits so ticks stay narrow: 950 -> "950",
 * 16500 -> "16.5k", 22000 -> "22k", 1200000 -> "1.2M", 0.25 -> "0.25".
 */
export function formatAxis(n: number, locale: string = NUMBER_LOCALE): string {
  if (Number.isNaN(n)) return MISSING;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const abs = Math.abs(n);
  let i = 0;
  while (i + 1 < AXIS_UNITS.length && abs >= (AXIS_UNITS[i + 1]?.size ?? Infinity)) i++;
  // 999_950 rounds to "1,000k": show it as "1M" instead.
  const size = AXIS_UNITS[i]?.size ?? 1;
  if (i + 1 < AXIS_UNITS.length && abs > 0 && Number((abs / size).toPrecision(3)) >= 1000) {
    i++;
  }
  const unit = AXIS_UNITS[i] ?? { suffix: '', size: 1 };
  const entry = cached({ maximumSignificantDigits: 3 }, locale);
  const text = fmt(entry, n / unit.size);
  return text === entry.zero ? text : `${text}${unit.suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Bucket labels

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]00:?00)?$/;

/**
 * A bucket label as people read it; dates stay ISO. Day: "2025-01-14". Hour
 * ("2025-01-14T16:00"): "2025-01-14 16:00". Week (its Monday): "week of 2025-01-13". Month
 * ("2025-01-01"): "2025-01". Without `granularity` the label's own shape decides (date or
 * date-time). Anything unrecognised is returned unchanged.
 */
export function formatBucket(label: string, granularity?: BucketGranularity): string {
  const dt = ISO_DATE_TIME.exec(label);
  const date = dt ? dt[1] : ISO_DATE.test(label) ? label : undefined;
  const time = dt ? dt[2] : undefined;
  if (date === undefined) return label;
  switch (granularity) {
    case 'month':
      return date.slice(0, 7);
    case 'week':
      return `week of ${date}`;
    case 'hour':
      return `${date} ${time ?? '00:00'}`;
    case 'day':
    case undefined:
      return time === undefined ? date : `${date} ${time}`;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV cells

/** Fraction digits kept per numeric kind in exports ('text' isn't rounded). */
const EXPORT_DIGITS: Record<Exclude<ExportKind, 'text'>, number> = {
  count: 0,
  share: 4,
  number: DEFAULT_DIGITS,
  multiple: 2,
};

/**
 * A cell for CSV exports meant for people: numbers rounded like the screen (counts as whole
 * numbers, shares to 4 decimals, multiples to 2, other numbers to `DEFAULT_DIGITS`), with no
 * separators, no "-0" and never scientific notation (a number too large to print plainly comes
 * back as a digit string). Missing or non-finite numbers are '' (an empty cell). BigInts (DuckDB
 * BIGINT) are numbers; Dates are ISO strings; strings are returned unchanged. Without `kind`,
 * integers are kept whole and other numbers use 'number'. Quoting/escaping is the CSV writer's job.
 */
export function exportValue(value: unknown, kind?: ExportKind): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  }
  if (typeof value === 'bigint') {
    if (kind === 'text') return value.toString();
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
  }
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return '';
  if (kind === 'text') return plainNumber(value);
  const digits =
    kind === undefined ? (Number.isInteger(value) ? 0 : DEFAULT_DIGITS) : EXPORT_DIGITS[kind];
  const text = fmt(cached({ maximumFractionDigits: digits, useGrouping: false }, 'en-US'), value);
  const n = Number(text);
  // Below 1e21 a JS number prints without an exponent; past it keep the digit string.
  return Math.abs(n) < 1e21 ? n + 0 : text;
}

/**
 * A CSV cell rounded to `digits` like the screen's text of it ('' when missing); `scale` turns
 * a share into the percentage the screen shows (100).
 */
export function exportRounded(value: unknown, digits: number, scale = 1): string | number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return exportValue(value);
  const text = fmt(
    cached({ maximumFractionDigits: clampDigits(digits), useGrouping: false }, 'en-US'),
    value * scale,
  );
  return Number(text) + 0;
}

/** A number as a plain decimal string (no exponent, no grouping), at full precision. */
function plainNumber(value: number): string {
  const s = String(value);
  if (!/e/i.test(s)) return s;
  return fmt(cached({ maximumFractionDigits: 20, useGrouping: false }, 'en-US'), value);
}

// ---------------------------------------------------------------------------------------------
