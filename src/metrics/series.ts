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
import { bucketKeySql, keyLabelSql } from './buckets.ts';
import { doubleSql, epochMsSql } from '../db/dialect.ts';
import { bucketOfInstant, labelOf, nextBucketMs } from './labels.ts';
import { utcToLocalMs } from './time-zone.ts';
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
    text: `SELECT * FROM (${rel.text}) WHERE ${plausibleSql('u', ctx.dialect)}${newcomer}`,
    params: rel.params,
  };
}

/**
 * Counts per local bucket of a relation, tagged `part`: b (the bucket label), v, and the UTC
 * instants (epoch ms) the bucket's rows span.
 */
function countsSql(
  part: string,
  rel: Sql,
  ctx: QueryContext,
  g: Granularity,
  kind: SeriesKind,
): Sql {
  const d = ctx.dialect;
  const value = kind === 'authors' ? 'count(DISTINCT user_id)' : 'sum(n)';
  return {
    text: `SELECT '${part}' AS part, ${keyLabelSql(ctx, 'bk', g)} AS b, ${doubleSql('v', d)} AS v, ulo, uhi FROM (
      SELECT ${bucketKeySql(ctx, 'u', g)} AS bk, ${value} AS v,
        ${epochMsSql('min(u)', d)} AS ulo, ${epochMsSql('max(u)', d)} AS uhi
      FROM (${rel.text}) GROUP BY bk)`,
    params: rel.params,
  };
}

/** Whether the series is counted apart from the whole data's (which gives its time axis). */
function isFiltered(ctx: QueryContext, kind: SeriesKind): boolean {
  // Posts by newcomers share the posts' time axis: zeros before the first newcomer.
  return (ctx.filters.segments ?? []).length > 0 || kind === 'newcomer_posts';
}

/**
 * `kind` per bucket under the context's segment filters (the date range is not applied: the
 * chart zooms into it), as counts per bucket of the whole data (part 'all') and, when filtered,
 * of the filtered data (part 'mine'). `surgeUtcMs` is needed for posts by newcomers. The zero
 * buckets between are filled in by `series` (fillSeries), the same for every engine.
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
  const filtered = isFiltered(ctx, kind);
  const all = countsSql(
    'all',
    relationOf(whole, kind === 'newcomer_posts' ? 'posts' : kind, surgeUtcMs),
    ctx,
    g,
    kind,
  );
  if (!filtered) return all;
  const mine = countsSql('mine', relationOf(unranged, kind, surgeUtcMs), ctx, g, kind);
  return {
    text: `${all.text} UNION ALL ${mine.text}`,
    params: [...all.params, ...mine.params],
  };
}

interface CountRow {
  part: 'all' | 'mine';
  b: string;
  v: number;
  ulo: number;
  uhi: number;
}

const HOUR = 3_600_000;

/**
 * The series from the first to the last bucket of the whole data, zeros included, valued from
 * the filtered counts when there are any. Local hours that a DST change skips are not buckets:
 * hours are stepped on the UTC grid and mapped to local time, so every one exists.
 */
export function fillSeries(
  rows: readonly CountRow[],
  filtered: boolean,
  g: Granularity,
  tz: string,
): Series {
  const all = rows.filter((r) => r.part === 'all');
  const mine = filtered ? rows.filter((r) => r.part === 'mine') : all;
  if (all.length === 0) return { points: [], dataStart: null };
  let lo = all[0] as CountRow;
  let hi = lo;
  let ulo = lo.ulo;
  let uhi = lo.uhi;
  for (const r of all) {
    if (r.b < lo.b) lo = r;
    if (r.b > hi.b) hi = r;
    ulo = Math.min(ulo, r.ulo);
    uhi = Math.max(uhi, r.uhi);
  }
  const labels: string[] = [];
  if (g === 'hour') {
    const seen = new Set<string>();
    for (let u = Math.floor(ulo / HOUR) * HOUR - HOUR; u <= uhi + HOUR; u += HOUR) {
      const label = bucketOfInstant(u, 'hour', tz);
      if (label >= lo.b && label <= hi.b && !seen.has(label)) {
        seen.add(label);
        labels.push(label);
      }
    }
    labels.sort();
  } else {
    for (let label = lo.b; label <= hi.b; label = labelOf(nextBucketMs(label, g), g))
      labels.push(label);
  }
  const values = new Map(mine.map((r) => [r.b, Number(r.v)]));
  return {
    points: labels.map((label) => ({ bucket_start: label, value: values.get(label) ?? 0 })),
    dataStart: new Date(utcToLocalMs(ulo, tz)).toISOString().slice(0, 10),
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
  return fillSeries(
    await engine.query<CountRow & Record<string, unknown>>(sql.text, sql.params),
    isFiltered(ctx, kind),
    g,
    ctx.tz,
  );
}
