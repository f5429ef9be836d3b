/**
 * Time-zone conversion without DuckDB's ICU extension. duckdb-wasm runs offline with extension
 * autoload off, so `timezone()`, TIMESTAMPTZ and AT TIME ZONE are unavailable. Instead JS `Intl`
 * (which ships the IANA database in node and browsers) finds a zone's UTC-offset transitions, and
 * we emit plain SQL — TIMESTAMP literals, `INTERVAL (n) MINUTE` arithmetic and CASE — that
 * applies them. All instants in the database are plain `TIMESTAMP` values meaning UTC.
 *
 * Supported instants are the years 0001–9999 (what a DuckDB TIMESTAMP literal can name).
 */

/** One stretch of constant UTC offset: in force from `fromUtcMs` until the next entry's. */
export interface ZoneOffset {
  /** First instant (epoch ms, UTC) with this offset; `-Infinity` for the first entry. */
  fromUtcMs: number;
  /** Local wall clock minus UTC, in minutes (fractional only for historic local mean time). */
  offsetMinutes: number;
}

const MIN_MS = -62135596800000; // 0001-01-01T00:00:00Z
const MAX_MS = 253402300799000; // 9999-12-31T23:59:59Z
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
/** Scan step. Assumes no zone changes offset and changes it back within one day (true of tzdb). */
const STEP = DAY;
/** Padding either side of a requested range, so buckets at its edges convert correctly. */
const PAD = 366 * DAY;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        calendar: 'gregory',
        numberingSystem: 'latn',
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`Unknown time zone: ${JSON.stringify(zone)}`);
    }
    formatters.set(zone, f);
  }
  return f;
}

function checkMs(ms: number): void {
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) {
    throw new RangeError(`Instant out of supported range (years 0001-9999): ${ms}`);
  }
}

const clamp = (ms: number) => Math.min(MAX_MS, Math.max(MIN_MS, ms));
/** Minutes to whole milliseconds (rounding away float error in second-granular offsets). */
const minutesToMs = (minutes: number) => Math.round(minutes * MINUTE);

/** Offset in seconds at an instant: the wall clock Intl shows, read back as UTC, minus the instant. */
function offsetSeconds(f: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = new Date(0);
  wall.setUTCFullYear(p.year ?? NaN, (p.month ?? NaN) - 1, p.day ?? NaN);
  wall.setUTCHours(p.hour ?? NaN, p.minute ?? NaN, p.second ?? NaN, 0);
  const offset = (wall.getTime() - Math.floor(ms / SECOND) * SECOND) / SECOND;
  if (!Number.isFinite(offset)) throw new Error(`Could not read the UTC offset at ${ms}`);
  return offset;
}

/** True when `zone` is a time-zone name Intl knows (IANA names, 'UTC', 'Etc/UTC', ...). */
export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset in minutes at an instant (epoch ms). */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  checkMs(ms);
  return offsetSeconds(formatter(zone), ms) / 60;
}

/**
 * Scans already made: SQL builders ask for the same zone and range on every query, and a scan
 * over a padded range reads Intl about a thousand times (milliseconds of main-thread work).
 */
const scans = new Map<string, ZoneOffset[]>();
const MAX_SCANS = 256;

/** Offsets over [start, end] exactly, without padding; the first entry starts at -Infinity. */
function scan(zone: string, start: number, end: number): ZoneOffset[] {
  const key = `${zone}|${start}|${end}`;
  const known = scans.get(key);
  if (known) return known;
  const out = scanUncached(zone, start, end);
  if (scans.size >= MAX_SCANS) scans.delete(scans.keys().next().value as string);
  scans.set(key, out);
  return out;
}

function scanUncached(zone: string, start: number, end: number): ZoneOffset[] {
  const f = formatter(zone);
  let t = Math.floor(clamp(Math.min(start, end)) / SECOND) * SECOND;
  const stop = clamp(Math.max(start, end));
  let current = offsetSeconds(f, t);
  const out: ZoneOffset[] = [{ fromUtcMs: -Infinity, offsetMinutes: current / 60 }];
  while (t < stop) {
    const next = Math.min(t + STEP, stop);
    if (offsetSeconds(f, next) === current) {
      t = next;
      continue;
    }
    // Binary-search (t, next] for the first whole second with a different offset: tzdb
    // transitions fall on whole seconds, and Intl resolves no finer.
    let lo = t;
    let hi = Math.floor(next / SECOND) * SECOND; // Intl truncates to the second
    while (hi - lo > SECOND) {
      const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
      if (offsetSeconds(f, mid) === current) lo = mid;
      else hi = mid;
    }
    current = offsetSeconds(f, hi);
    out.push({ fromUtcMs: hi, offsetMinutes: current / 60 });
    t = hi; // keep scanning from the change, in case a second one falls in the same step
  }
  return out;
}

/**
 * The offset in force before `fromMs` and every transition up to `toMs`, with both ends padded
 * by a year so that buckets near the edges convert correctly. The first entry's `fromUtcMs` is
 * always `-Infinity` (it extends backwards without limit); later entries start at the exact
 * transition instant (found to the second). A zone without transitions in the range, such as
 * 'UTC', yields a single entry.
 */
export function zoneOffsets(zone: string, fromMs: number, toMs: number): ZoneOffset[] {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs))
    throw new RangeError('Range must be finite');
  return scan(zone, Math.min(fromMs, toMs) - PAD, Math.max(fromMs, toMs) + PAD);
}

/** Pure JS: the local wall-clock time (as epoch ms read as UTC) of a UTC instant in `zone`. */
export function utcToLocalMs(ms: number, zone: string): number {
  return ms + minutesToMs(zoneOffsetMinutes(ms, zone));
}

/**
 * The offset to subtract from local wall time `local` (fold=0 rule, see `localToUtcMs`). Each
 * transition from offset a to b makes wall times below T+max(a,b) keep offset a: that covers
 * both the repeated hour of a fall-back (earlier instant) and the skipped hour of a spring-forward.
 */
function localOffset(offsets: readonly ZoneOffset[], local: number): number {
  for (let i = 1; i < offsets.length; i++) {
    const before = offsets[i - 1]!.offsetMinutes;
    const after = offsets[i]!.offsetMinutes;
    if (local < offsets[i]!.fromUtcMs + minutesToMs(Math.max(before, after))) return before;
  }
  return offsets[offsets.length - 1]!.offsetMinutes;
}

/**
 * Pure JS: the UTC instant of a naive wall-clock time in `zone` (given as epoch ms read as UTC),
 * by the same rule as `localToUtcSql` — Python zoneinfo's fold=0: an ambiguous time (clocks fall
 * back) takes the earlier instant; a non-existent time (clocks spring forward) is read with the
 * offset in force before the transition (New York 2025-03-09 02:30 → 07:30Z).
 */
export function localToUtcMs(localMs: number, zone: string): number {
  checkMs(localMs);
  // Offsets never exceed ±26 h, so the instant lies within two days of the wall time.
  return (
    localMs - minutesToMs(localOffset(scan(zone, localMs - 2 * DAY, localMs + 2 * DAY), localMs))
  );
}

/** A DuckDB TIMESTAMP literal for an instant (whole seconds; transitions fall on them). */
function timestampLiteral(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;
}

/** `x + INTERVAL (offset) MINUTE`, with the offset picked by a CASE over thresholds if it varies. */
function shiftSql(
  x: string,
  branches: { below: number; offset: number }[],
  last: number,
  sign: 1 | -1,
): string {
  const all = [...branches.map((b) => b.offset), last];
  const whole = all.every(Number.isInteger); // historic LMT offsets have seconds
  const amount = (m: number) => String(sign * (whole ? m : Math.round(m * 60)));
  const unit = whole ? 'MINUTE' : 'SECOND';
  if (branches.length === 0) return `(${x} + INTERVAL (${amount(last)}) ${unit})`;
  const whens = branches.map(
    (b) => `WHEN ${x} < ${timestampLiteral(b.below)} THEN ${amount(b.offset)}`,
  );
  return `(${x} + INTERVAL (CASE ${whens.join(' ')} ELSE ${amount(last)} END) ${unit})`;
}

/**
 * SQL turning a UTC `TIMESTAMP` expression into the zone's local wall-clock `TIMESTAMP`, exact for
 * instants in [fromMs, toMs] (plus a year's padding). Uses only TIMESTAMP literals, INTERVAL
 * arithmetic and CASE, since ICU is unavailable. A zone whose offset is always zero there (UTC)
 * returns `expr` unchanged, so the common path costs nothing. NULL stays NULL.
 */
export function utcToLocalSql(expr: string, zone: string, fromMs: number, toMs: number): string {
  const offsets = zoneOffsets(zone, fromMs, toMs);
  const last = offsets[offsets.length - 1]!.offsetMinutes;
  if (offsets.length === 1 && last === 0) return expr;
  const branches = offsets
    .slice(1)
    .map((o, i) => ({ below: o.fromUtcMs, offset: offsets[i]!.offsetMinutes }));
  return shiftSql(`(${expr})`, branches, last, 1);
}

/**
 * SQL turning a naive local wall-clock `TIMESTAMP` expression (e.g. a file's timestamps written
 * in `zone`) into the UTC `TIMESTAMP`, the inverse of `utcToLocalSql`. Rule (Python zoneinfo,
 * fold=0), identical to `localToUtcMs`: an ambiguous wall time in the repeated hour when clocks
 * fall back takes the EARLIER instant (the offset before the transition: New York 2025-11-02
 * 01:30 → 05:30Z); a non-existent wall time in the skipped hour when clocks spring forward is
 * read with the offset before the transition (2025-03-09 02:30 → 07:30Z). UTC returns `expr`.
 */
export function localToUtcSql(expr: string, zone: string, fromMs: number, toMs: number): string {
  const offsets = zoneOffsets(zone, fromMs, toMs);
  const last = offsets[offsets.length - 1]!.offsetMinutes;
  if (offsets.length === 1 && last === 0) return expr;
  const branches = offsets.slice(1).map((o, i) => {
    const before = offsets[i]!.offsetMinutes;
    return { below: o.fromUtcMs + minutesToMs(Math.max(before, o.offsetMinutes)), offset: before };
  });
  return shiftSql(`(${expr})`, branches, last, -1);
}

/** Zones offered in pickers; any other valid IANA name still works from a link or the CLI. */
export const COMMON_ZONES = [
  'UTC',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Australia/Sydney',
];
