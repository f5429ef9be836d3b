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
const EPOCH_MAX = 1e14;

const ISO_PATTERN =
  '^(\\d{4}-\\d{2}-\\d{2})(?:[Tt ]((?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:[.,]\\d+)?)?))?(Z|z|[+-](?:0\\d|1[0-4])(?::?[0-5]\\d)?)?$';
const NUMBER_PATTERN = '^[+-]?\\d+(?:\\.\\d+)?$';

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
