/** Segment dimensions: values with counts, signups broken down by a segment, wave attribution. */
import { sqlIdent } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';
import { bucketSql, labelSql, seriesCte } from './buckets.ts';
import { filteredCtes, UnknownColumnError } from './filters.ts';
import type { Sql } from './filters.ts';
import type { Granularity, QueryContext } from './params.ts';
import type { Wave, Baseline } from './waves.ts';
import { labelTimestampSql } from './mix.ts';

export const OTHER = 'Other';
export const MISSING = '(missing)';

function column(ctx: QueryContext, table: 'signups' | 'posts', name: string): string {
  if (!ctx.schema[table].includes(name))
    throw new UnknownColumnError(`Unknown ${table} column "${name}".`);
  return sqlIdent(name);
}

/** Values of a segment column with their counts (users for signups, posts for posts), most first. */
export function segmentValuesSql(
  ctx: QueryContext,
  table: 'signups' | 'posts',
  name: string,
  limit = 200,
): Sql {
  const col = column(ctx, table, name);
  return {
    text: `SELECT coalesce(${col}, '${MISSING}') AS value, CAST(count(*) AS BIGINT) AS n FROM ${table}
      GROUP BY 1 ORDER BY n DESC, value LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: [],
  };
}

export async function segmentValues(
  engine: Engine,
  ctx: QueryContext,
  table: 'signups' | 'posts',
  name: string,
) {
  const sql = segmentValuesSql(ctx, table, name);
  return engine.query<{ value: string; n: number }>(sql.text, sql.params);
}

export interface BreakdownRow {
  bucket_start: string;
  value: string;
  signups: number;
}

/** Signups per bucket by a signups segment: the top `top` values by total, the rest as Other. */
export function breakdownSql(ctx: QueryContext, g: Granularity, name: string, top = 8): Sql {
  const col = column(ctx, 'signups', name);
  const base = filteredCtes(ctx);
  return {
    text: `WITH ${base.text},
      seg AS (SELECT s.u, s.t, coalesce(x.${col}, '${MISSING}') AS v FROM fs s JOIN signups x USING (user_id)),
      ranked AS (SELECT v, row_number() OVER (ORDER BY count(*) DESC, v) AS r FROM seg GROUP BY v),
      ${seriesCte('seg', g, ctx.tz, ctx.range)},
      counts AS (SELECT ${bucketSql('t', g)} AS b, CASE WHEN r <= ${top} THEN seg.v ELSE '${OTHER}' END AS v, count(*) AS n
        FROM seg JOIN ranked USING (v) GROUP BY 1, 2)
    SELECT ${labelSql('series.b', g)} AS bucket_start, counts.v AS value, CAST(counts.n AS BIGINT) AS signups
    FROM series JOIN counts ON counts.b = series.b ORDER BY series.b, value`,
    params: base.params,
  };
}

export async function breakdown(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
  name: string,
): Promise<BreakdownRow[]> {
  const sql = breakdownSql(ctx, g, name);
  return engine.query<BreakdownRow & Record<string, unknown>>(sql.text, sql.params);
}

/** Pivot breakdown rows into one object per bucket, for a stacked chart. */
export function pivotBreakdown(rows: readonly BreakdownRow[]): {
  buckets: Record<string, number | string>[];
  values: string[];
} {
  const byBucket = new Map<string, Record<string, number | string>>();
  const totals = new Map<string, number>();
  for (const r of rows) {
    const b = byBucket.get(r.bucket_start) ?? { bucket_start: r.bucket_start };
    b[r.value] = r.signups;
    byBucket.set(r.bucket_start, b);
    totals.set(r.value, (totals.get(r.value) ?? 0) + r.signups);
  }
  const values = [...totals.entries()]
    .sort((a, b) => (a[0] === OTHER ? 1 : b[0] === OTHER ? -1 : b[1] - a[1]))
    .map(([v]) => v);
  return { buckets: [...byBucket.values()], values };
}

export interface AttributionRow {
  value: string;
  wave_signups: number;
  baseline_signups: number;
  /** Signups expected from this value at baseline pace over the wave's buckets. */
  expected: number;
  excess: number;
  /** Share of the wave's signups above baseline. */
  share: number;
}

/**
 * Which segment values drove a wave. A value's expected signups over the wave are its share of
 * baseline-window signups times the baseline median times the wave's bucket count; its excess
 * is what it brought beyond that, and its share is its part of the total excess.
 */
export function attributionSql(
  ctx: QueryContext,
  g: Granularity,
  name: string,
  wave: Wave,
  baseline: Baseline,
): Sql {
  const col = column(ctx, 'signups', name);
  const base = filteredCtes({ ...ctx, filters: { ...ctx.filters, from: null, to: null } });
  const start = labelTimestampSql(wave.start);
  const end = labelTimestampSql(wave.end);
  const bFrom = labelTimestampSql(baseline.from);
  const bTo = labelTimestampSql(baseline.to);
  return {
    text: `WITH ${base.text},
      seg AS (SELECT ${bucketSql('s.t', g)} AS b, coalesce(x.${col}, '${MISSING}') AS v FROM fs s JOIN signups x USING (user_id))
    SELECT v AS value,
      CAST(count(*) FILTER (WHERE b >= ${start} AND b <= ${end}) AS BIGINT) AS wave_signups,
      CAST(count(*) FILTER (WHERE b >= ${bFrom} AND b < ${bTo} + INTERVAL 1 DAY) AS BIGINT) AS baseline_signups
    FROM seg GROUP BY v`,
    params: base.params,
  };
}

/** Shape attribution counts into shares of the excess (pure). */
export function shapeAttribution(
  rows: readonly { value: string; wave_signups: number; baseline_signups: number }[],
  baselineMedian: number,
  waveBuckets: number,
): AttributionRow[] {
  const baselineTotal = rows.reduce((s, r) => s + r.baseline_signups, 0);
  const expectedTotal = baselineMedian * waveBuckets;
  const shaped = rows.map((r) => {
    const expected = baselineTotal > 0 ? (r.baseline_signups / baselineTotal) * expectedTotal : 0;
    return { ...r, expected, excess: r.wave_signups - expected, share: 0 };
  });
  const totalExcess = shaped.reduce((s, r) => s + r.excess, 0);
  for (const r of shaped) r.share = totalExcess > 0 ? r.excess / totalExcess : 0;
  return shaped
    .filter((r) => r.wave_signups > 0 || r.expected > 0)
    .sort((a, b) => b.excess - a.excess);
}
