/**
 * A series per bucket: signups (the default), posts, active authors (distinct posters) or posts
 * by newcomers. It runs from the first to the last bucket of the UNFILTERED series (for posts
 * by newcomers: of all posts), zeros included, so a filtered series lines up with the frame
 * detected on the whole data.
 */
import type { Engine } from '../db/engine.ts';
import { bucketSql, labelSql, localSql, seriesCte } from './buckets.ts';
import type { Sql } from './filters.ts';
import type { Granularity, QueryContext, SeriesKind } from './params.ts';
import { postRelation, signupRelation } from './relations.ts';

export interface SeriesPoint {
  bucket_start: string;
  value: number;
}

export interface Series {
  points: SeriesPoint[];
  /** Local date of the unfiltered series' first event: where the data starts. */
  dataStart: string | null;
}

export const SERIES_LABELS: Record<SeriesKind, { name: string; unit: string }> = {
  signups: { name: 'Signups', unit: 'signups' },
  posts: { name: 'Posts', unit: 'posts' },
  authors: { name: 'Active authors', unit: 'active authors' },
  newcomer_posts: { name: 'Posts by newcomers', unit: 'posts by newcomers' },
};

/** The relation a series kind counts (without the date range). */
function relationOf(ctx: QueryContext, kind: SeriesKind, surgeUtcMs: number | null): Sql {
  if (kind === 'signups') return signupRelation(ctx);
  const rel = postRelation(ctx, {
    surgeUtcMs: kind === 'newcomer_posts' ? surgeUtcMs : null,
    user: kind === 'authors',
  });
  if (kind !== 'newcomer_posts') return rel;
  return { text: `SELECT * FROM (${rel.text}) WHERE newcomer`, params: rel.params };
}

/** Counts per local bucket of a relation: b, v, and the UTC instants each bucket spans. */
function countsSql(rel: string, ctx: QueryContext, g: Granularity, kind: SeriesKind): string {
  const value = kind === 'authors' ? 'count(DISTINCT user_id)' : 'sum(n)';
  return `SELECT b, ${value} AS v, min(u) AS ulo, max(u) AS uhi
    FROM (SELECT ${bucketSql(localSql('u', ctx.tz, ctx.range), g)} AS b, * FROM ${rel}) GROUP BY b`;
}

/**
 * `kind` per bucket under the context's segment filters (the date range is not applied: the
 * chart zooms into it). `surgeUtcMs` is needed for posts by newcomers.
 */
export function seriesSql(
  ctx: QueryContext,
  g: Granularity,
  kind: SeriesKind,
  surgeUtcMs: number | null = null,
): Sql {
  const unranged = { ...ctx, filters: { ...ctx.filters, from: null, to: null } };
  const whole = { ...unranged, filters: { ...unranged.filters, segments: [] } };
  // Posts by newcomers share the posts' time axis: zeros before the first newcomer.
  const filtered = (ctx.filters.segments ?? []).length > 0 || kind === 'newcomer_posts';
  const all = relationOf(whole, kind === 'newcomer_posts' ? 'posts' : kind, surgeUtcMs);
  const mine = filtered ? relationOf(unranged, kind, surgeUtcMs) : all;
  const local = localSql('(SELECT min(ulo) FROM ac)', ctx.tz, ctx.range);
  return {
    text: `WITH allrel AS (${all.text}),
      ac AS (${countsSql('allrel', ctx, g, kind)}),
      ${filtered ? `frel AS (${mine.text}), fc AS (${countsSql('frel', ctx, g, kind)}),` : ''}
      ${seriesCte('ac', g, ctx.tz, ctx.range)}
    SELECT ${labelSql('series.b', g)} AS bucket_start, CAST(coalesce(c.v, 0) AS DOUBLE) AS value,
      strftime(${local}, '%Y-%m-%d') AS data_start
    FROM series LEFT JOIN ${filtered ? 'fc' : 'ac'} c ON c.b = series.b ORDER BY series.b`,
    params: filtered ? [...all.params, ...mine.params] : all.params,
  };
}

export async function series(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
  kind: SeriesKind = 'signups',
  surgeUtcMs: number | null = null,
): Promise<Series> {
  const sql = seriesSql(ctx, g, kind, surgeUtcMs);
  const rows = await engine.query<
    SeriesPoint & { data_start: string | null } & Record<string, unknown>
  >(sql.text, sql.params);
  return {
    points: rows.map((r) => ({ bucket_start: r.bucket_start, value: r.value })),
    dataStart: rows[0]?.data_start ?? null,
  };
}
