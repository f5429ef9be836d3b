/**
 * The SQL dialects the metrics are written in: DuckDB (duckdb-wasm in the browser, native DuckDB
 * in the CLI) and ClickHouse (a cluster, over HTTP). A metric is built once; the few places where
 * the two differ ask this module: timestamp literals, epoch milliseconds, and local-time buckets.
 *
 * ClickHouse SQL here must run on Debian's 18.16 server as well as on current releases: no CTEs,
 * no window functions, no date_trunc (see test/clickhouse/).
 */
import type { Granularity } from '../metrics/params.ts';

export type Dialect = 'duckdb' | 'clickhouse';

/** A ClickHouse identifier: backquoted, backquotes and backslashes escaped. */
export function chIdent(name: string): string {
  return '`' + name.replaceAll('\\', '\\\\').replaceAll('`', '\\`') + '`';
}

/** A string literal (single quotes doubled; ClickHouse also needs backslashes doubled). */
export function literal(value: string, d: Dialect = 'duckdb'): string {
  const s = value.replaceAll("'", "''");
  return `'${d === 'clickhouse' ? s.replaceAll('\\', '\\\\') : s}'`;
}

/** A UTC instant (epoch ms) as a timestamp constant the planner can fold. */
export function instantLiteral(ms: number, d: Dialect = 'duckdb'): string {
  const iso = new Date(Math.round(ms)).toISOString();
  if (d === 'clickhouse') return `toDateTime('${iso.slice(0, 10)} ${iso.slice(11, 19)}', 'UTC')`;
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

/** Epoch milliseconds of a timestamp expression (ClickHouse's DateTime has whole seconds). */
export function epochMsSql(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'clickhouse' ? `(toUInt64(toUnixTimestamp(${expr})) * 1000)` : `epoch_ms(${expr})`;
}

/** The false constant (ClickHouse 18.16 has no boolean literals). */
export function falseSql(d: Dialect = 'duckdb'): string {
  return d === 'clickhouse' ? '0' : 'FALSE';
}

/** A whole number as a 64-bit integer (DuckDB's sums are HUGEINT; join keys must agree). */
export function int64Sql(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'clickhouse' ? `toInt64(${expr})` : `CAST(${expr} AS BIGINT)`;
}

/**
 * An expression an aggregate over no rows gives NULL for: ClickHouse's min/max of zero rows are
 * the type's default (1970-01-01), not NULL as in DuckDB, unless the argument is Nullable.
 */
export function nullableSql(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'clickhouse' ? `toNullable(${expr})` : expr;
}

/** A number expression as a double (DuckDB's sums are HUGEINT otherwise). */
export function doubleSql(expr: string, d: Dialect = 'duckdb'): string {
  return d === 'clickhouse' ? `toFloat64(${expr})` : `CAST(${expr} AS DOUBLE)`;
}

/**
 * The label of the local bucket holding a UTC timestamp expression, in ClickHouse's own zone
 * functions: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:00` for hours; weeks start on Monday (ISO).
 */
export function clickhouseBucketLabel(expr: string, g: Granularity, tz: string): string {
  const zone = literal(tz, 'clickhouse');
  switch (g) {
    case 'hour':
      return `formatDateTime(toStartOfHour(${expr}, ${zone}), '%Y-%m-%dT%H:00', ${zone})`;
    case 'day':
      return `toString(toDate(${expr}, ${zone}))`;
    case 'week':
      return `toString(toMonday(toDate(${expr}, ${zone})))`;
    case 'month':
      return `toString(toStartOfMonth(toDate(${expr}, ${zone})))`;
  }
}
