/**
 * Cohort buckets in the context's dialect: a cohort's bucket, the periods between two buckets,
 * the partial last bucket, labels, the period expansion and joins, for retention.ts's one
 * builder of the triangle and the curves (DuckDB and ClickHouse alike).
 */
import { literal } from '../db/dialect.ts';
import { bucketSql, labelSql, localSql, periodsBetweenSql } from './buckets.ts';
import { bucketOfInstant } from './labels.ts';
import { labelTimestampSql } from './mix.ts';
import type { CohortGranularity, QueryContext } from './params.ts';

/** A cohort bucket (local, in the context's dialect) of a UTC instant expression. */
export function cohortSql(ctx: QueryContext, expr: string, g: CohortGranularity): string {
  if (ctx.dialect !== 'clickhouse') return bucketSql(localSql(expr, ctx.tz, ctx.range), g);
  const day = `toDate(${expr}, ${literal(ctx.tz, 'clickhouse')})`;
  return g === 'day' ? day : g === 'week' ? `toMonday(${day})` : `toStartOfMonth(${day})`;
}

/** Whole cohort buckets from bucket `a` to bucket `b`, in the context's dialect. */
export function periodsSql(ctx: QueryContext, a: string, b: string, g: CohortGranularity): string {
  if (ctx.dialect !== 'clickhouse') return periodsBetweenSql(a, b, g);
  const days = `(toInt64(toRelativeDayNum(${b})) - toInt64(toRelativeDayNum(${a})))`;
  if (g === 'day') return days;
  // Both are week starts: the days between are a multiple of 7.
  if (g === 'week') return `intDiv(${days}, 7)`;
  return `((toInt64(toYear(${b})) - toInt64(toYear(${a}))) * 12 + toInt64(toMonth(${b})) - toInt64(toMonth(${a})))`;
}

/** The cohort bucket holding the data's end (partial), as a constant. */
export function lastBucketSql(ctx: QueryContext, g: CohortGranularity): string {
  const label = bucketOfInstant(ctx.range.endMs, g, ctx.tz);
  return ctx.dialect === 'clickhouse' ? `toDate('${label}')` : labelTimestampSql(label);
}

/** The label (`YYYY-MM-DD`) of a cohort bucket expression. */
export function cohortLabelSql(ctx: QueryContext, expr: string, g: CohortGranularity): string {
  return ctx.dialect === 'clickhouse' ? `toString(${expr})` : labelSql(expr, g);
}

/** Rows of `rel` repeated for k = 0 .. count-1 (column k). */
export function periodsUpTo(ctx: QueryContext, count: string): string {
  return ctx.dialect === 'clickhouse'
    ? `toInt64(arrayJoin(range(toUInt64(greatest(${count}, 0)))))`
    : `unnest(range(0, CAST(${count} AS BIGINT)))`;
}

/**
 * The join of the dialect: ClickHouse names its strictness (each right row is unique here).
 * Every joined subquery carries an alias: current ClickHouse releases require one.
 */
export function joinSql(ctx: QueryContext, kind: 'LEFT' | 'INNER', strict: 'ANY' | 'ALL'): string {
  return ctx.dialect === 'clickhouse' ? `${strict} ${kind} JOIN` : `${kind} JOIN`;
}
