/**
 * Filters as SQL. Column names come from CSV headers or URLs, so they are checked against the
 * loaded schema and quoted by one helper; values are always bound parameters.
 */
import { sqlIdent } from '../db/engine.ts';
import type { SqlParam } from '../db/engine.ts';
import { localSql, dateSql } from './buckets.ts';
import type { QueryContext, SegmentFilter } from './params.ts';

export interface Sql {
  text: string;
  params: SqlParam[];
}

export class UnknownColumnError extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkColumn(ctx: QueryContext, f: SegmentFilter): string {
  if (!ctx.schema[f.table].includes(f.column)) {
    throw new UnknownColumnError(`Unknown ${f.table} column "${f.column}".`);
  }
  return sqlIdent(f.column);
}

function inList(column: string, values: string[], params: SqlParam[]): string {
  if (values.length === 0) return 'FALSE';
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** Conditions keeping a local time expression inside the context's date range (inclusive days). */
export function rangeConditions(localExpr: string, ctx: QueryContext): string[] {
  const out: string[] = [];
  const { from, to } = ctx.filters;
  if (from) {
    if (!DATE.test(from)) throw new UnknownColumnError(`Bad date "${from}".`);
    out.push(`${localExpr} >= ${dateSql(from)}`);
  }
  if (to) {
    if (!DATE.test(to)) throw new UnknownColumnError(`Bad date "${to}".`);
    out.push(`${localExpr} < ${dateSql(to)} + INTERVAL 1 DAY`);
  }
  return out;
}

/**
 * CTEs `fs` (filtered signups: user_id, u = UTC and t = local signup time) and `fp` (filtered posts:
 * user_id, t = local post time, category). Signup segment filters restrict posts to the matching
 * users' posts; the date range applies to each table's own time unless `postsInRange` is false.
 */
export function filteredCtes(
  ctx: QueryContext,
  opts: { postsInRange?: boolean; signupsInRange?: boolean } = {},
): Sql {
  const params: SqlParam[] = [];
  const segs = ctx.filters.segments ?? [];
  const userConds = segs
    .filter((s) => s.table === 'signups')
    .map((s) => inList(checkColumn(ctx, s), s.values, params));
  const signupT = localSql('signup_at', ctx.tz, ctx.range);
  const sConds = [
    ...userConds,
    ...(opts.signupsInRange === false ? [] : rangeConditions(signupT, ctx)),
  ];
  const fs = `fs AS (SELECT user_id, signup_at AS u, ${signupT} AS t FROM signups${sConds.length ? ` WHERE ${sConds.join(' AND ')}` : ''})`;
  const postParams: SqlParam[] = [];
  const postT = localSql('created_at', ctx.tz, ctx.range);
  const pConds = segs
    .filter((s) => s.table === 'posts')
    .map((s) => inList(checkColumn(ctx, s), s.values, postParams));
  if (userConds.length > 0) {
    const again: SqlParam[] = [];
    const conds = segs
      .filter((s) => s.table === 'signups')
      .map((s) => inList(checkColumn(ctx, s), s.values, again));
    pConds.push(`user_id IN (SELECT user_id FROM signups WHERE ${conds.join(' AND ')})`);
    postParams.push(...again);
  }
  if (opts.postsInRange !== false) pConds.push(...rangeConditions(postT, ctx));
  const fp = `fp AS (SELECT user_id, ${postT} AS t, category FROM posts${pConds.length ? ` WHERE ${pConds.join(' AND ')}` : ''})`;
  return { text: `${fs}, ${fp}`, params: [...params, ...postParams] };
}
