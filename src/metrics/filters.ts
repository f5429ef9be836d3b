/**
 * Filters as SQL. Column names come from CSV headers or URLs, so they are checked against the
 * loaded schema and quoted by one helper; values are always bound parameters.
 */
import { sqlIdent } from '../db/engine.ts';
import type { SqlParam } from '../db/engine.ts';
import { dateSql } from './buckets.ts';
import type { QueryContext, SegmentFilter } from './params.ts';
import { isCalendarDate } from './stats.ts';

export interface Sql {
  text: string;
  params: SqlParam[];
}

export class UnknownColumnError extends Error {}

/** The value a filter or a breakdown uses for a row whose column is empty. */
export const MISSING = '(missing)';

/** The quoted name of a segment column, after checking that the table has it. */
export function checkedColumn(ctx: QueryContext, table: 'signups' | 'posts', name: string): string {
  if (!ctx.schema[table].includes(name))
    throw new UnknownColumnError(`Unknown ${table} column "${name}".`);
  return sqlIdent(name);
}

/** The alias of a segment column in a relation: `"signups.country"`, `"posts.language"`. */
export function segAlias(table: 'signups' | 'posts', name: string): string {
  return sqlIdent(`${table}.${name}`);
}

/** `column IN (?, ...)` over the column's value with empty read as MISSING; values bound. */
export function inListSql(expr: string, values: readonly string[], params: SqlParam[]): string {
  if (values.length === 0) return 'FALSE';
  params.push(...values);
  return `coalesce(${expr}, '${MISSING}') IN (${values.map(() => '?').join(', ')})`;
}

/** Conditions for the filters on one table, with `colExpr` giving a column's expression. */
export function segmentConditions(
  ctx: QueryContext,
  table: 'signups' | 'posts',
  colExpr: (name: string) => string,
  params: SqlParam[],
): string[] {
  return (ctx.filters.segments ?? [])
    .filter((f: SegmentFilter) => f.table === table)
    .map((f) => {
      checkedColumn(ctx, table, f.column);
      return inListSql(colExpr(f.column), f.values, params);
    });
}

/** Conditions keeping a local time expression inside the context's date range (inclusive days). */
export function rangeConditions(
  localExpr: string,
  range: { from?: string | null; to?: string | null },
): string[] {
  const out: string[] = [];
  const { from, to } = range;
  if (from) {
    if (!isCalendarDate(from)) throw new UnknownColumnError(`Bad date "${from}".`);
    out.push(`${localExpr} >= ${dateSql(from)}`);
  }
  if (to) {
    if (!isCalendarDate(to)) throw new UnknownColumnError(`Bad date "${to}".`);
    out.push(`${localExpr} < ${dateSql(to)} + INTERVAL 1 DAY`);
  }
  return out;
}

/** Every filter must name a column its table has, whichever table a query reads. */
export function checkFilters(ctx: QueryContext): void {
  for (const f of ctx.filters.segments ?? []) checkedColumn(ctx, f.table, f.column);
}

/** Signup columns the filters name (for deciding whether a pre-aggregate can serve them). */
export function filterColumns(ctx: QueryContext, table: 'signups' | 'posts'): string[] {
  return (ctx.filters.segments ?? []).filter((f) => f.table === table).map((f) => f.column);
}

export const where = (conds: readonly string[]) =>
  conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
