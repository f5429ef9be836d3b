/**
 * Content mix per bucket and author group (metrics.md "Content mix and drift"). An author is
 * `new` when they signed up at or after the surge start, `existing` otherwise, including authors
 * missing from the signup export; `all` covers both.
 */
import type { Engine } from '../db/engine.ts';
import { sqlString } from '../db/engine.ts';
import { bucketSql, dateSql, labelSql, localSql } from './buckets.ts';
import { rangeConditions, where } from './filters.ts';
import type { Sql } from './filters.ts';
import type { AuthorGroup, Granularity, QueryContext } from './params.ts';
import { postRelation } from './relations.ts';

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

/** CTE `src(t, category, grp0, n)`: posts by local time inside the date range, with their group. */
function sourceCte(
  ctx: QueryContext,
  surgeUtcMs: number | null,
  range: { from?: string | null; to?: string | null },
): Sql {
  const rel = postRelation(ctx, { surgeUtcMs });
  const t = localSql('u', ctx.tz, ctx.range);
  return {
    text: `src AS (SELECT ${t} AS t, category, CASE WHEN newcomer THEN 'new' ELSE 'existing' END AS grp0, n
      FROM (${rel.text})${where(rangeConditions(t, range))})`,
    params: rel.params,
  };
}

export function mixSql(ctx: QueryContext, g: Granularity, surgeUtcMs: number | null): Sql {
  const source = sourceCte(ctx, surgeUtcMs, ctx.filters);
  return {
    text: `WITH ${source.text},
      counts AS (SELECT ${bucketSql('t', g)} AS b, coalesce(grp0, 'all') AS grp, category, sum(n) AS n
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
  surgeUtcMs: number | null,
): Promise<MixRow[]> {
  const sql = mixSql(ctx, g, surgeUtcMs);
  return engine.query<MixRow & Record<string, unknown>>(sql.text, sql.params);
}

export interface CategoryShare {
  category: string;
  posts: number;
  share: number;
}

/** Category shares of all posts created inside a date window (inclusive dates). */
export function windowMixSql(ctx: QueryContext, window: { from: string; to: string }): Sql {
  const source = sourceCte(ctx, null, window);
  return {
    text: `WITH ${source.text}
    SELECT category, CAST(sum(n) AS BIGINT) AS posts, CAST(sum(n) AS DOUBLE) / sum(sum(n)) OVER () AS share
    FROM src GROUP BY category ORDER BY category`,
    params: source.params,
  };
}

export async function windowMix(
  engine: Engine,
  ctx: QueryContext,
  window: { from: string; to: string },
): Promise<CategoryShare[]> {
  const sql = windowMixSql(ctx, window);
  return engine.query<CategoryShare & Record<string, unknown>>(sql.text, sql.params);
}
