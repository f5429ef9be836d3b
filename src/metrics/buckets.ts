/**
 * Buckets in the report time zone. Instants are UTC TIMESTAMPs; they are shifted to local
 * wall-clock time with plain SQL (see time-zone.ts) and truncated there, so a bucket is a local
 * hour, day, ISO week (Monday 00:00) or month.
 */
import { sqlString } from '../db/engine.ts';
import { clickhouseBucketLabel, epochMsSql, literal, nullableSql } from '../db/dialect.ts';
import { rangeConditions, UnknownColumnError } from './filters.ts';
import { isCalendarDate } from './stats.ts';
import type { Engine } from '../db/engine.ts';
import type { DataRange, Granularity, QueryContext } from './params.ts';
import { utcToLocalSql } from './time-zone.ts';

/** A UTC TIMESTAMP expression as local wall-clock time in `tz`. */
export function localSql(expr: string, tz: string, range: DataRange): string {
  return utcToLocalSql(expr, tz, range.minMs, range.maxMs);
}

/** The bucket start (local wall clock) of a local TIMESTAMP expression. */
export function bucketSql(localExpr: string, g: Granularity): string {
  return `date_trunc('${g}', ${localExpr})`;
}

/** The label of a bucket start: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:00` for hours. */
export function labelSql(bucketExpr: string, g: Granularity): string {
  return g === 'hour'
    ? `strftime(${bucketExpr}, '%Y-%m-%dT%H:00')`
    : `strftime(${bucketExpr}, '%Y-%m-%d')`;
}

export function intervalSql(g: Granularity): string {
  return `INTERVAL 1 ${g.toUpperCase()}`;
}

/** A date literal as a local TIMESTAMP at midnight. */
export function dateSql(date: string): string {
  return `CAST(${sqlString(date)} AS TIMESTAMP)`;
}

/**
 * A key of the local bucket holding the UTC instant `expr`, to group by: DuckDB's local bucket
 * start (formatting it per row would cost a string per row), ClickHouse's label itself.
 */
export function bucketKeySql(ctx: QueryContext, expr: string, g: Granularity): string {
  return ctx.dialect === 'clickhouse'
    ? clickhouseBucketLabel(expr, g, ctx.tz)
    : bucketSql(localSql(expr, ctx.tz, ctx.range), g);
}

/** The label (`YYYY-MM-DD`, `YYYY-MM-DDTHH:00`) of a bucket key, after grouping. */
export function keyLabelSql(ctx: QueryContext, key: string, g: Granularity): string {
  return ctx.dialect === 'clickhouse' ? key : labelSql(key, g);
}

/**
 * Conditions keeping a UTC instant expression whose local date (in the context's zone) lies in
 * the range (inclusive days), in the context's dialect.
 */
export function localRangeConditions(
  ctx: QueryContext,
  expr: string,
  range: { from?: string | null; to?: string | null },
): string[] {
  if (ctx.dialect !== 'clickhouse')
    return rangeConditions(localSql(expr, ctx.tz, ctx.range), range);
  const day = `toDate(${expr}, ${literal(ctx.tz, 'clickhouse')})`;
  const out: string[] = [];
  for (const [date, op] of [
    [range.from, '>='],
    [range.to, '<='],
  ] as const) {
    if (!date) continue;
    if (!isCalendarDate(date)) throw new UnknownColumnError(`Bad date "${date}".`);
    out.push(`${day} ${op} toDate('${date}')`);
  }
  return out;
}

/** Whole buckets from bucket `a` to bucket `b` (both truncated). */
export function periodsBetweenSql(a: string, b: string, g: Granularity): string {
  switch (g) {
    case 'hour':
      return `CAST(date_diff('hour', ${a}, ${b}) AS INTEGER)`;
    case 'day':
      return `CAST(date_diff('day', ${a}, ${b}) AS INTEGER)`;
    case 'week':
      return `CAST(date_diff('day', ${a}, ${b}) // 7 AS INTEGER)`;
    case 'month':
      return `CAST((year(${b}) - year(${a})) * 12 + month(${b}) - month(${a}) AS INTEGER)`;
  }
}

/** The instants the loaded tables span, needed for time-zone SQL. Null when nothing is loaded. */
export async function loadDataRange(engine: Engine): Promise<DataRange | null> {
  const d = engine.dialect;
  const rows = await engine.query<{ lo: number | null; hi: number | null }>(
    `SELECT ${epochMsSql('min(lo)', d)} AS lo, ${epochMsSql('max(hi)', d)} AS hi FROM (
       SELECT min(${nullableSql('signup_at', d)}) AS lo, max(${nullableSql('signup_at', d)}) AS hi FROM signups
       UNION ALL SELECT min(${nullableSql('created_at', d)}), max(${nullableSql('created_at', d)}) FROM posts)`,
  );
  const r = rows[0];
  if (!r || r.lo == null || r.hi == null) return null;
  return { minMs: r.lo, maxMs: r.hi, endMs: r.hi };
}
