/**
 * Content mix per bucket and author group (metrics.md "Content mix and drift"). An author is
 * `new` when they signed up at or after the surge start (local wall clock), `existing` otherwise,
 * including authors missing from the signup export; `all` covers both.
 */
import type { Engine } from '../db/engine.ts';
import { sqlString } from '../db/engine.ts';
import { bucketSql, dateSql, labelSql, localSql } from './buckets.ts';
import { filteredCtes } from './filters.ts';
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

/** SQL for the author group of a post row `p` joined to its author's local signup time `st`. */
function groupSql(surgeStart: string | null): string {
  if (!surgeStart) return `'existing'`;
  return `CASE WHEN st IS NOT NULL AND st >= ${labelTimestampSql(surgeStart)} THEN 'new' ELSE 'existing' END`;
}

export function mixSql(ctx: QueryContext, g: Granularity, surgeStart: string | null): Sql {
  const base = filteredCtes(ctx);
  return {
    text: `WITH ${base.text},
      authors AS (SELECT user_id, min(${localSql('signup_at', ctx.tz, ctx.range)}) AS st FROM signups GROUP BY user_id),
      grouped AS (SELECT ${bucketSql('fp.t', g)} AS b, fp.category, ${groupSql(surgeStart)} AS grp0
        FROM fp LEFT JOIN authors USING (user_id)),
      counts AS (SELECT b, coalesce(grp0, 'all') AS grp, category, count(*) AS n
        FROM grouped GROUP BY GROUPING SETS ((b, grp0, category), (b, category)))
    SELECT ${labelSql('b', g)} AS bucket_start, grp AS "group", category, CAST(n AS BIGINT) AS posts,
      CAST(n AS DOUBLE) / sum(n) OVER (PARTITION BY b, grp) AS share
    FROM counts
    ORDER BY b, CASE grp WHEN 'all' THEN 0 WHEN 'new' THEN 1 ELSE 2 END, category`,
    params: base.params,
  };
}

export async function contentMix(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
  surgeStart: string | null,
): Promise<MixRow[]> {
  const sql = mixSql(ctx, g, surgeStart);
  return engine.query<MixRow & Record<string, unknown>>(sql.text, sql.params);
}

/** Category shares of all posts created inside a date window (inclusive dates). */
export function windowMixSql(ctx: QueryContext, window: { from: string; to: string }): Sql {
  const base = filteredCtes({
    ...ctx,
    filters: { ...ctx.filters, from: window.from, to: window.to },
  });
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
): Promise<CategoryShare[]> {
  const sql = windowMixSql(ctx, window);
  return engine.query<CategoryShare & Record<string, unknown>>(sql.text, sql.params);
}
