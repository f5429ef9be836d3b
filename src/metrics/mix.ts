/**
 * Content mix per bucket and author group (metrics.md "Content mix and drift"). An author is
 * `new` when they signed up at or after the surge start, `existing` otherwise, including authors
 * missing from the signup export; `all` covers both.
 */
import type { Engine } from '../db/engine.ts';
import { sqlString } from '../db/engine.ts';
import { bucketKeySql, dateSql, keyLabelSql, localRangeConditions } from './buckets.ts';
import { where } from './filters.ts';
import { doubleSql } from '../db/dialect.ts';
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

/**
 * Posts per (bucket label, group `new`/`existing`, category) inside a date range, from the
 * posts relation; the label is '' when no granularity is given (one window).
 */
function countsSql(
  ctx: QueryContext,
  surgeUtcMs: number | null,
  range: { from?: string | null; to?: string | null },
  g: Granularity | null,
): Sql {
  const rel = postRelation(ctx, { surgeUtcMs });
  const key = g === null ? "''" : bucketKeySql(ctx, 'u', g);
  const label = g === null ? 'bk' : keyLabelSql(ctx, 'bk', g);
  return {
    text: `SELECT ${label} AS bucket_start, grp, category, ${doubleSql('sum(n)', ctx.dialect)} AS posts FROM (
      SELECT ${key} AS bk, CASE WHEN newcomer THEN 'new' ELSE 'existing' END AS grp, category, n
      FROM (${rel.text})${where(localRangeConditions(ctx, 'u', range))})
    GROUP BY bk, grp, category`,
    params: rel.params,
  };
}

interface CountRow {
  bucket_start: string;
  grp: 'new' | 'existing';
  category: string;
  posts: number;
}

/** Text in code-point order (DuckDB's and ClickHouse's byte order of UTF-8). */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const GROUP_ORDER: Record<AuthorGroup, number> = { all: 0, new: 1, existing: 2 };

/**
 * The mix rows from counts per bucket, group and category: `all` is the sum of both groups,
 * and each share is the category's posts over its bucket and group's posts.
 */
export function mixRows(counts: readonly CountRow[]): MixRow[] {
  const posts = new Map<string, MixRow>();
  const totals = new Map<string, number>();
  const add = (bucket: string, group: AuthorGroup, category: string, n: number) => {
    const key = JSON.stringify([bucket, group, category]);
    const row = posts.get(key);
    if (row) row.posts += n;
    else posts.set(key, { bucket_start: bucket, group, category, posts: n, share: 0 });
    const total = JSON.stringify([bucket, group]);
    totals.set(total, (totals.get(total) ?? 0) + n);
  };
  for (const c of counts) {
    const n = Number(c.posts);
    add(c.bucket_start, c.grp, c.category, n);
    add(c.bucket_start, 'all', c.category, n);
  }
  const rows = [...posts.values()];
  for (const r of rows)
    r.share = r.posts / (totals.get(JSON.stringify([r.bucket_start, r.group])) ?? 1);
  return rows.sort(
    (a, b) =>
      (a.bucket_start < b.bucket_start ? -1 : a.bucket_start > b.bucket_start ? 1 : 0) ||
      GROUP_ORDER[a.group] - GROUP_ORDER[b.group] ||
      byCodePoint(a.category, b.category),
  );
}

export function mixSql(ctx: QueryContext, g: Granularity, surgeUtcMs: number | null): Sql {
  return countsSql(ctx, surgeUtcMs, ctx.filters, g);
}

export async function contentMix(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
  surgeUtcMs: number | null,
): Promise<MixRow[]> {
  const sql = mixSql(ctx, g, surgeUtcMs);
  return mixRows(await engine.query<CountRow & Record<string, unknown>>(sql.text, sql.params));
}

export interface CategoryShare {
  category: string;
  posts: number;
  share: number;
}

/** Posts per category and group created inside a date window (inclusive dates). */
export function windowMixSql(ctx: QueryContext, window: { from: string; to: string }): Sql {
  return countsSql(ctx, null, window, null);
}

/** Category shares of all posts created inside a date window (inclusive dates). */
export async function windowMix(
  engine: Engine,
  ctx: QueryContext,
  window: { from: string; to: string },
): Promise<CategoryShare[]> {
  const sql = windowMixSql(ctx, window);
  const rows = mixRows(
    await engine.query<CountRow & Record<string, unknown>>(sql.text, sql.params),
  );
  return rows
    .filter((r) => r.group === 'all')
    .map(({ category, posts, share }) => ({ category, posts, share }));
}
