/**
 * A series per bucket: signups (the default), posts, active authors (distinct posters) or posts
 * by newcomers. It runs from the first to the last bucket of the UNFILTERED series (for posts
 * by newcomers: of all posts), zeros included, so a filtered series lines up with the frame
 * detected on the whole data.
 *
 * Rows whose timestamp is implausible (outside 2000-01-01..2099-12-31 UTC, see
 * ingest/plausible.ts) are left out, and a series longer than MAX_SERIES_BUCKETS is refused
 * with a message saying which granularity to choose: one stray date can never stretch the
 * series over centuries.
 */
import type { Engine } from '../db/engine.ts';
import { bucketSql, labelSql, localSql, seriesCte } from './buckets.ts';
import type { Sql } from './filters.ts';
import type { DataRange, Granularity, QueryContext, SeriesKind } from './params.ts';
import { plausibleSql } from '../ingest/plausible.ts';
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

/** Most buckets a series may have (hour buckets: almost 23 years). */
export const MAX_SERIES_BUCKETS = 200_000;

/** A series would have more buckets than MAX_SERIES_BUCKETS. */
export class SeriesTooLongError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesTooLongError';
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** An upper bound of the buckets a series over the data's range has at a granularity. */
export function seriesLength(range: DataRange, g: Granularity): number {
  const span = Math.max(0, range.maxMs - range.minMs);
  switch (g) {
    case 'hour':
      return Math.floor(span / HOUR_MS) + 2;
    case 'day':
      return Math.floor(span / DAY_MS) + 2;
    case 'week':
      return Math.floor(span / (7 * DAY_MS)) + 2;
    case 'month': {
      const a = new Date(range.minMs);
      const b = new Date(range.maxMs);
      const months =
        (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
      return Math.max(0, months) + 2;
    }
  }
}

const COARSER: Record<Granularity, string> = {
  hour: 'day, week or month',
  day: 'week or month',
  week: 'month',
  month: '',
};

/** Refuse a series that would be longer than MAX_SERIES_BUCKETS, saying what to do instead. */
export function checkSeriesLength(range: DataRange, g: Granularity): void {
  const n = seriesLength(range, g);
  if (n <= MAX_SERIES_BUCKETS) return;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const count = (x: number) => x.toLocaleString('en-US');
  throw new SeriesTooLongError(
    `The data runs from ${day(range.minMs)} to ${day(range.maxMs)}: about ${count(n)} ${g} buckets, more than the ${count(MAX_SERIES_BUCKETS)} a series may have. ` +
      (COARSER[g] ? `Choose a coarser granularity (${COARSER[g]}), ` : '') +
      'or check the timestamps (the ingest report shows each file’s first and last).',
  );
}

/**
 * The relation a series kind counts (without the date range), without the rows whose time is
 * implausible. The range's ends fall on whole hours, so 15-minute slots of a pre-aggregate are
 * cut exactly as the raw instants are.
 */
function relationOf(ctx: QueryContext, kind: SeriesKind, surgeUtcMs: number | null): Sql {
  const rel =
    kind === 'signups'
      ? signupRelation(ctx)
      : postRelation(ctx, {
          surgeUtcMs: kind === 'newcomer_posts' ? surgeUtcMs : null,
          user: kind === 'authors',
        });
  const newcomer = kind === 'newcomer_posts' ? ' AND newcomer' : '';
  return {
    text: `SELECT * FROM (${rel.text}) WHERE ${plausibleSql('u')}${newcomer}`,
    params: rel.params,
  };
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
  checkSeriesLength(ctx.range, g);
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
