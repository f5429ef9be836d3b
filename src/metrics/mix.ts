/**
 * Content mix per bucket and author group (metrics.md "Content mix and drift"). An author is
 * `new` when they signed up at or after the surge start (local wall clock), `existing` otherwise,
 * including authors missing from the signup export; `all` covers both.
 */
import type { Engine } from '../db/engine.ts';
import { sqlIdent, sqlString } from '../db/engine.ts';
import { bucketSql, dateSql, labelSql, localSql } from './buckets.ts';
import { filteredCtes, rangeConditions } from './filters.ts';
import type { Sql } from './filters.ts';
import type { AuthorGroup, Granularity, QueryContext } from './params.ts';

export interface MixRow {
  bucket_start: string;
  group: AuthorGroup;
  category: string;
  posts: number;
  share: number;
}

/** A bucket label (`YYYY-MM-DD` or `YYYY-MM-DDTHH:00`) as a local TIMESTAMP expression. */
export function labelTimestampSql(label: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):00)?$/.exec(label);
  if (!m) throw new Error(`Not a bucket label: ${label}`);
  return m[2]
    ? `CAST(${sqlString(`${m[1]} ${m[2]}:00:00`)} AS TIMESTAMP)`
    : dateSql(m[1] as string);
}

/** SQL for the author group of a post joined to its author's local signup time `st`. */
export function authorGroupSql(surgeStart: string | null): string {
  if (!surgeStart) return `'existing'`;
  return `CASE WHEN st IS NOT NULL AND st >= ${labelTimestampSql(surgeStart)} THEN 'new' ELSE 'existing' END`;
}

/**
 * Where mix rows come from: CTE `src(t, category, grp0, w)` with local time t and weight w.
 * Raw posts (weight 1) by default; with a cube (see mix-cube.ts) its pre-aggregated rows, which
 * give the same numbers when no segment filter applies.
 */
function mixSourceSql(ctx: QueryContext, surgeStart: string | null, cube: string | null): Sql {
  if (cube && (ctx.filters.segments ?? []).length === 0) {
    const t = localSql('q', ctx.tz, ctx.range);
    const conds = rangeConditions(t, ctx);
    return {
      text: `src AS (SELECT ${t} AS t, category, grp0, n AS w FROM ${sqlIdent(cube)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''})`,
      params: [],
    };
  }
  const base = filteredCtes(ctx);
  return {
    text: `${base.text},
      authors AS (SELECT user_id, min(${localSql('signup_at', ctx.tz, ctx.range)}) AS st FROM signups GROUP BY user_id),
      src AS (SELECT fp.t, fp.category, ${authorGroupSql(surgeStart)} AS grp0, 1 AS w FROM fp LEFT JOIN authors USING (user_id))`,
    params: base.params,
  };
}

export function mixSql(
  ctx: QueryContext,
  g: Granularity,
  surgeStart: string | null,
  cube: string | null = null,
): Sql {
  const source = mixSourceSql(ctx, surgeStart, cube);
  return {
    text: `WITH ${source.text},
      counts AS (SELECT ${bucketSql('t', g)} AS b, coalesce(grp0, 'all') AS grp, category, sum(w) AS n
        FROM src GROUP BY GROUPING SETS ((b, grp0, category), (b, category)))
    SELECT ${labelSql('b', g)} AS bucket_start, grp AS "group", category, CAST(n AS BIGINT) AS posts,
      CAST(n AS DOUBLE) / sum(n) OVER (PARTITION BY b, grp) AS share
    FROM counts
    ORDER BY b, CASE grp WHEN 'all' THEN 0 WHEN 'new' THEN 1 ELSE 2 END, category`,
    params: source.params,
  };
}

export async function contentMix(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
  surgeStart: string | null,
  cube: string | null = null,
): Promise<MixRow[]> {
  const sql = mixSql(ctx, g, surgeStart, cube);
  return engine.query<MixRow & Record<string, unknown>>(sql.text, sql.params);
}

/** Category shares of all posts created inside a date window (inclusive dates). */
export function windowMixSql(
  ctx: QueryContext,
  window: { from: string; to: string },
  cube: string | null = null,
): Sql {
  const inWindow = { ...ctx, filters: { ...ctx.filters, from: window.from, to: window.to } };
  if (cube && (ctx.filters.segments ?? []).length === 0) {
    const t = localSql('q', ctx.tz, ctx.range);
    return {
      text: `SELECT category, CAST(sum(n) AS BIGINT) AS posts, CAST(sum(n) AS DOUBLE) / sum(sum(n)) OVER () AS share
      FROM ${sqlIdent(cube)} WHERE ${rangeConditions(t, inWindow).join(' AND ')} GROUP BY category ORDER BY category`,
      params: [],
    };
  }
  const base = filteredCtes(inWindow);
  return {
    text: `WITH ${base.text}
    SELECT category, CAST(count(*) AS BIGINT) AS posts, CAST(count(*) AS DOUBLE) / sum(count(*)) OVER () AS share
    FROM fp GROUP BY category ORDER BY category`,
    params: base.params,
  };
}

export interface CategoryShare {
  category: string;
  posts: number;
  share: number;
}

export async function windowMix(
  engine: Engine,
  ctx: QueryContext,
  window: { from: string; to: string },
  cube: string | null = null,
): Promise<CategoryShare[]> {
  const sql = windowMixSql(ctx, window, cube);
  return engine.query<CategoryShare & Record<string, unknown>>(sql.text, sql.params);
}
