/**
 * The two relations every metric is written against, read from a pre-aggregate when one can
 * serve the query exactly (cubes.ts) and from the raw tables otherwise:
 *
 * - signups: `u` (a UTC instant, or the start of its 15-minute slot), `n` (how many signups it
 *   stands for) and the requested signup columns as `"signups.<name>"`;
 * - posts: `u`, `n`, `category`, `newcomer` (the author signed up at or after the surge start),
 *   the requested columns as `"signups.<name>"` (the author's) and `"posts.<name>"`, and
 *   `user_id` when asked for (distinct authors: raw only).
 *
 * Both honour the segment filters; the date range is the caller's (it applies to local time,
 * which a 15-minute slot never straddles, since zone offsets are multiples of 15 minutes).
 */
import type { SqlParam } from '../db/engine.ts';
import { sqlIdent } from '../db/engine.ts';
import {
  checkFilters,
  checkedColumn,
  filterColumns,
  segAlias,
  segmentConditions,
  where,
} from './filters.ts';
import type { Sql } from './filters.ts';
import type { QueryContext } from './params.ts';
import { falseSql, instantLiteral } from '../db/dialect.ts';
import type { Dialect } from '../db/dialect.ts';

const unique = (xs: readonly string[]) => [...new Set(xs)];

export interface SignupRelationOptions {
  /** Signup columns to expose as `"signups.<name>"`. */
  columns?: readonly string[];
}

export function signupRelation(ctx: QueryContext, opts: SignupRelationOptions = {}): Sql {
  checkFilters(ctx);
  const cols = unique(opts.columns ?? []);
  for (const c of cols) checkedColumn(ctx, 'signups', c);
  const needed = unique([...cols, ...filterColumns(ctx, 'signups')]);
  const cube = ctx.cubes?.signups;
  const params: SqlParam[] = [];
  if (cube && needed.every((c) => cube.columns.includes(c))) {
    const conds = segmentConditions(ctx, 'signups', (c) => `c.${segAlias('signups', c)}`, params);
    const select = cols.map((c) => `, c.${segAlias('signups', c)}`).join('');
    const join = needed.length > 0 ? ' JOIN cube_combos c USING (acombo)' : '';
    return {
      text: `SELECT k.q AS u, k.n AS n${select} FROM cube_signups k${join}${where(conds)}`,
      params,
    };
  }
  const conds = segmentConditions(ctx, 'signups', (c) => sqlIdent(c), params);
  const select = cols.map((c) => `, ${sqlIdent(c)} AS ${segAlias('signups', c)}`).join('');
  return { text: `SELECT signup_at AS u, 1 AS n${select} FROM signups${where(conds)}`, params };
}

export interface PostRelationOptions {
  /** The surge start as a UTC instant (epoch ms): `newcomer` is true at or after it. */
  surgeUtcMs?: number | null;
  signupColumns?: readonly string[];
  postColumns?: readonly string[];
  /** Expose `user_id` (for distinct authors): always read from the raw tables. */
  user?: boolean;
}

export function postRelation(ctx: QueryContext, opts: PostRelationOptions = {}): Sql {
  checkFilters(ctx);
  const sCols = unique(opts.signupColumns ?? []);
  const pCols = unique(opts.postColumns ?? []);
  for (const c of sCols) checkedColumn(ctx, 'signups', c);
  for (const c of pCols) checkedColumn(ctx, 'posts', c);
  const sNeeded = unique([...sCols, ...filterColumns(ctx, 'signups')]);
  const pNeeded = unique([...pCols, ...filterColumns(ctx, 'posts')]);
  const surge = opts.surgeUtcMs ?? null;
  const params: SqlParam[] = [];
  const cube = ctx.cubes?.posts;
  const band = cube && surge !== null ? cube.boundaries.indexOf(surge) : -1;
  if (
    cube &&
    !opts.user &&
    (surge === null || band >= 0) &&
    sNeeded.every((c) => cube.signupColumns.includes(c)) &&
    pNeeded.every((c) => cube.postColumns.includes(c))
  ) {
    const sConds = segmentConditions(ctx, 'signups', (c) => `c.${segAlias('signups', c)}`, params);
    const pConds = segmentConditions(ctx, 'posts', (c) => `k.${segAlias('posts', c)}`, params);
    // A filter on the author's signup columns keeps only authors in the signup export.
    const conds = [...(sConds.length ? ['k.acombo IS NOT NULL', ...sConds] : []), ...pConds];
    const select = [
      ...sCols.map((c) => `, c.${segAlias('signups', c)}`),
      ...pCols.map((c) => `, k.${segAlias('posts', c)}`),
    ].join('');
    const join = sNeeded.length > 0 ? ' LEFT JOIN cube_combos c USING (acombo)' : '';
    const newcomer = surge === null ? 'FALSE' : `k.band >= ${band + 1}`;
    if (cube.lean && sNeeded.length === 0 && pNeeded.length === 0)
      return {
        text: `SELECT k.q AS u, k.n AS n, k.category, ${newcomer} AS newcomer FROM cube_posts_lean k`,
        params,
      };
    return {
      text: `SELECT k.q AS u, k.n AS n, k.category, ${newcomer} AS newcomer${select} FROM cube_posts k${join}${where(conds)}`,
      params,
    };
  }
  const joinSignups = surge !== null || sNeeded.length > 0;
  const d = ctx.dialect;
  const side = authorSignup(d, sNeeded, ctx.localSignups ?? 'signups_local');
  const sConds = segmentConditions(ctx, 'signups', side.ref, params);
  const pConds = segmentConditions(ctx, 'posts', (c) => `p.${sqlIdent(c)}`, params);
  const conds = [...(sConds.length ? [side.present, ...sConds] : []), ...pConds];
  const select = [
    ...(opts.user ? [', p.user_id'] : []),
    ...sCols.map((c) => `, ${side.ref(c)} AS ${segAlias('signups', c)}`),
    ...pCols.map((c) => `, p.${sqlIdent(c)} AS ${segAlias('posts', c)}`),
  ].join('');
  const no = falseSql(d);
  const newcomer =
    surge === null
      ? no
      : `coalesce(${side.ref('signup_at')} >= ${instantLiteral(surge, d)}, ${no})`;
  const join = joinSignups ? side.join : '';
  return {
    text: `SELECT p.created_at AS u, 1 AS n, p.category, ${newcomer} AS newcomer${select} FROM posts AS p${join}${where(conds)}`,
    params,
  };
}

/**
 * Each post's author's signup beside the post (alias `p`): the join, a column's expression
 * (`signup_at` or a segment column), and a condition true when the author is in the signups.
 *
 * On a cluster both tables are sharded by user_id, so each shard joins its own signups (the
 * `_local` table): no data moves between shards and no GLOBAL join is needed. ClickHouse 18.16
 * cannot resolve aliased columns in a join's ON against a Distributed table, so the signup
 * side is a subquery joined USING user_id, its columns renamed `s.<name>` (a post column of the
 * same name stays apart).
 */
function authorSignup(
  d: Dialect | undefined,
  columns: readonly string[],
  localSignups: string,
): { join: string; ref: (name: string) => string; present: string } {
  if (d !== 'clickhouse')
    return {
      join: ' LEFT JOIN signups s ON s.user_id = p.user_id',
      ref: (c) => `s.${sqlIdent(c)}`,
      present: 's.user_id IS NOT NULL',
    };
  const ref = (c: string) => sqlIdent(`s.${c}`);
  const picked = unique(['signup_at', ...columns]).map((c) => `${sqlIdent(c)} AS ${ref(c)}`);
  return {
    join: ` ANY LEFT JOIN (SELECT user_id, 1 AS ${ref('present')}, ${picked.join(', ')} FROM ${localSignups}) AS s USING user_id`,
    ref,
    present: `${ref('present')} = 1`,
  };
}
