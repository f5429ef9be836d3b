/**
 * Timestamp parsing in SQL. Accepted per value:
 * - ISO 8601 dates and date-times (`T` or a space), hours 00-23, optional fraction, with `Z` or
 *   an offset up to ±14:00 (`+08:00`, `+0800`, `+08`) right after the time: converted to UTC;
 * - the same without an offset: wall-clock time in the file's time zone (UTC unless set);
 * - a plain number: epoch milliseconds when its magnitude is at least 1e11, else seconds.
 * Everything else is unparseable (NULL), and the row is rejected with a reason.
 */

/** Below this magnitude an epoch number is seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_MS_THRESHOLD = 1e11;
/** Beyond this magnitude a number is not a plausible epoch in seconds or milliseconds. */
export const EPOCH_MAX = 1e14;

export const ISO_PATTERN =
  '^(\\d{4}-\\d{2}-\\d{2})(?:[Tt ]((?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:[.,]\\d+)?)?))?(Z|z|[+-](?:0\\d|1[0-4])(?::?[0-5]\\d)?)?$';
export const NUMBER_PATTERN = '^[+-]?\\d+(?:\\.\\d+)?$';

/**
 * Select-list items that prepare the text expression `v` for {@link timestampFromPartsSql}:
 * the trimmed text as `${name}_x` and its ISO parts as the struct `${name}_p`.
 */
export function timestampPartsSql(v: string, name: string): string {
  return `trim(${v}) AS ${name}_x, regexp_extract(trim(${v}), '${ISO_PATTERN}', ['d', 't', 'z']) AS ${name}_p`;
}

/**
 * A SQL expression over the columns made by {@link timestampPartsSql} that yields the UTC
 * TIMESTAMP, or NULL when the text is empty or unparseable. `naiveToUtc` turns a wall-clock
 * TIMESTAMP expression of the file's zone into UTC (identity for UTC files).
 */
export function timestampFromPartsSql(
  name: string,
  naiveToUtc: (expr: string) => string = (e) => e,
): string {
  const x = `${name}_x`;
  const p = `${name}_p`;
  const wall = `try_cast(${p}.d || ' ' || CASE WHEN ${p}.t = '' THEN '00:00:00' ELSE replace(${p}.t, ',', '.') END AS TIMESTAMP)`;
  const zz = `replace(${p}.z, ':', '')`;
  const offsetMinutes = `(CASE WHEN left(${p}.z, 1) = '-' THEN -1 ELSE 1 END) * (CAST(substr(${zz}, 2, 2) AS INTEGER) * 60 + CASE WHEN length(${zz}) = 5 THEN CAST(substr(${zz}, 4, 2) AS INTEGER) ELSE 0 END)`;
  const num = `try_cast(${x} AS DOUBLE)`;
  return `(CASE WHEN ${x} IS NULL OR ${x} = '' THEN NULL
    WHEN regexp_full_match(${x}, '${NUMBER_PATTERN}') THEN
      CASE WHEN abs(${num}) >= ${EPOCH_MAX} THEN NULL
        WHEN abs(${num}) >= ${EPOCH_MS_THRESHOLD} THEN make_timestamp(CAST(round(${num} * 1000) AS BIGINT))
        ELSE make_timestamp(CAST(round(${num} * 1000000) AS BIGINT)) END
    WHEN ${p}.d = '' THEN NULL
    WHEN ${p}.z = '' THEN ${naiveToUtc(wall)}
    WHEN ${p}.z IN ('Z', 'z') THEN ${wall}
    ELSE ${wall} - to_minutes(CAST(${offsetMinutes} AS BIGINT)) END)`;
}

/**
 * The shape most of a file's timestamps take, from a sample. It picks a fast parser that covers
 * that one shape exactly (fixed positions, `strptime`, integer casts); every value the fast
 * parser does not take goes through the general regex parser above, so the result per value is
 * the same as parsing everything the slow way, at a fraction of the cost.
 */
export type TimestampShape =
  | { kind: 'epoch' }
  | { kind: 'iso'; sep: 'T' | ' '; zone: 'Z' | 'offset' | 'naive' }
  | { kind: 'other' };

const SHAPES: { re: RegExp; shape: TimestampShape }[] = [
  { re: /^\d+$/, shape: { kind: 'epoch' } },
  { re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, shape: { kind: 'iso', sep: 'T', zone: 'Z' } },
  { re: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/, shape: { kind: 'iso', sep: ' ', zone: 'Z' } },
  {
    re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/,
    shape: { kind: 'iso', sep: 'T', zone: 'offset' },
  },
  {
    re: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d$/,
    shape: { kind: 'iso', sep: ' ', zone: 'offset' },
  },
  { re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, shape: { kind: 'iso', sep: 'T', zone: 'naive' } },
  { re: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, shape: { kind: 'iso', sep: ' ', zone: 'naive' } },
];

/** The shape of most non-empty values in a sample (a tie or no majority: 'other'). */
export function detectTimestampShape(values: readonly string[]): TimestampShape {
  const xs = values.filter((v) => v !== '');
  const counts = SHAPES.map(({ re }) => xs.filter((v) => re.test(v)).length);
  const best = counts.indexOf(Math.max(0, ...counts));
  return best >= 0 && (counts[best] as number) * 2 > xs.length
    ? (SHAPES[best] as (typeof SHAPES)[number]).shape
    : { kind: 'other' };
}

/**
 * The fast parse of text `v` for a shape: a UTC TIMESTAMP (or, for naive shapes, the wall-clock
 * TIMESTAMP before zone conversion), or NULL when the value does not have exactly that shape.
 * It never accepts a value the general parser refuses, nor reads one differently.
 */
export function fastTimestampSql(v: string, shape: TimestampShape): string {
  if (shape.kind === 'other') return 'CAST(NULL AS TIMESTAMP)';
  if (shape.kind === 'epoch') {
    // Only canonical integers (the text is what the number prints as): DuckDB's integer cast
    // also reads forms the contract does not ("1e5", "0x10", "1_000"), which must go to the
    // general parser and be refused there.
    const n = `try_cast(${v} AS BIGINT)`;
    return `(CASE WHEN CAST(${n} AS VARCHAR) = ${v} THEN
      CASE WHEN abs(${n}) >= ${EPOCH_MAX} THEN NULL
        WHEN abs(${n}) >= ${EPOCH_MS_THRESHOLD} THEN make_timestamp(${n} * 1000)
        ELSE make_timestamp(${n} * 1000000) END END)`;
  }
  // The pattern fixes every separator; strptime refuses anything but digits between them.
  const sep = shape.sep;
  const fmt = `'%Y-%m-%d${sep}%H:%M:%S'`;
  const stamp = `____-__-__${sep}__:__:__`;
  if (shape.zone === 'naive')
    return `(CASE WHEN ${v} LIKE '${stamp}' THEN try_strptime(${v}, ${fmt}) END)`;
  if (shape.zone === 'Z')
    return `(CASE WHEN ${v} LIKE '${stamp}Z' THEN try_strptime(${v}, '%Y-%m-%d${sep}%H:%M:%SZ') END)`;
  // ±HH:MM with HH 00-14 and MM 00-59, as the general parser allows.
  const hh = `CAST(substr(${v}, 21, 2) AS INTEGER)`;
  const mm = `CAST(substr(${v}, 24, 2) AS INTEGER)`;
  return `(CASE WHEN (${v} LIKE '${stamp}+__:__' OR ${v} LIKE '${stamp}-__:__')
      AND regexp_full_match(right(${v}, 5), '(?:0[0-9]|1[0-4]):[0-5][0-9]')
    THEN try_strptime(left(${v}, 19), ${fmt}) - to_minutes(CAST((CASE WHEN substr(${v}, 20, 1) = '-' THEN -1 ELSE 1 END) * (${hh} * 60 + ${mm}) AS BIGINT)) END)`;
}

/**
 * Parse text column `v` into a UTC TIMESTAMP over three nested selects: `fast` (select items over
 * the reader: `${name}_v` the text, `${name}_f` the fast value), `slow` (items over that level:
 * for the values the fast parser missed, `${name}_x` and `${name}_p` as in timestampPartsSql) and
 * `outer`, the expression for the level above that.
 */
export function timestampSql(
  v: string,
  name: string,
  shape: TimestampShape,
  naiveToUtc: (expr: string) => string = (e) => e,
): { fast: string; slow: string; outer: string } {
  const f = `${name}_f`;
  const t = `${name}_v`;
  const fast = `${v} AS ${t}, ${fastTimestampSql(v, shape)} AS ${f}`;
  // Only values the fast parser missed pay for the regex.
  const slow = `CASE WHEN ${f} IS NULL THEN trim(${t}) END AS ${name}_x,
    CASE WHEN ${f} IS NULL THEN regexp_extract(trim(${t}), '${ISO_PATTERN}', ['d', 't', 'z']) END AS ${name}_p`;
  const fastUtc = shape.kind === 'iso' && shape.zone === 'naive' ? naiveToUtc(f) : f;
  const outer = `(CASE WHEN ${f} IS NOT NULL THEN ${fastUtc} ELSE ${timestampFromPartsSql(name, naiveToUtc)} END)`;
  return { fast, slow, outer };
}

/** How a sample of timestamp texts looks, for the mapping dialog (the SQL decides per value). */
export function describeTimestamps(values: readonly string[]): string {
  const xs = values.map((v) => v.trim()).filter((v) => v !== '');
  if (xs.length === 0) return 'no values in the preview';
  const iso = new RegExp(ISO_PATTERN);
  const num = new RegExp(NUMBER_PATTERN);
  const kinds = new Set(
    xs.map((v) => {
      if (num.test(v))
        return Math.abs(Number(v)) >= EPOCH_MS_THRESHOLD ? 'epoch milliseconds' : 'epoch seconds';
      const m = iso.exec(v);
      if (!m) return 'unrecognised';
      return m[3]
        ? 'ISO 8601 with Z or an offset'
        : 'ISO 8601 without offset (read in the time zone below)';
    }),
  );
  return [...kinds].join('; ');
}

/** The detected shape in words, for the ingest report (with the other forms seen, if any). */
export function describeShape(shape: TimestampShape, sample: readonly string[]): string {
  const main =
    shape.kind === 'epoch'
      ? 'epoch numbers'
      : shape.kind === 'iso'
        ? shape.zone === 'Z'
          ? `ISO 8601 in UTC (YYYY-MM-DD${shape.sep === 'T' ? 'T' : ' '}HH:MM:SSZ)`
          : shape.zone === 'offset'
            ? `ISO 8601 with an offset (YYYY-MM-DD${shape.sep === 'T' ? 'T' : ' '}HH:MM:SS±HH:MM)`
            : `ISO 8601 without offset (YYYY-MM-DD${shape.sep === 'T' ? 'T' : ' '}HH:MM:SS)`
        : null;
  const described = describeTimestamps(sample);
  return main ? `${main}; preview: ${described}` : described;
}

/**
 * The instants (epoch ms, reading naive values as UTC) the preview's values span, or null when
 * none parses: where naive times of a zone can be expected, to build the zone conversion.
 */
export function previewRange(sample: readonly string[]): { lo: number; hi: number } | null {
  const iso = new RegExp(ISO_PATTERN);
  const num = new RegExp(NUMBER_PATTERN);
  const ms: number[] = [];
  for (const v of sample) {
    if (num.test(v)) {
      const n = Number(v);
      if (Math.abs(n) < EPOCH_MAX) ms.push(Math.abs(n) >= EPOCH_MS_THRESHOLD ? n : n * 1000);
      continue;
    }
    const m = iso.exec(v);
    if (!m) continue;
    const t = Date.parse(`${m[1]}T${(m[2] ?? '00:00:00').replace(',', '.')}Z`);
    if (Number.isFinite(t)) ms.push(t);
  }
  if (ms.length === 0) return null;
  return { lo: Math.min(...ms), hi: Math.max(...ms) };
}
