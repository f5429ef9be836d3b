/** Segment dimensions: values with counts, signups broken down by a segment, wave attribution. */
import type { Engine } from '../db/engine.ts';
import { bucketSql, labelSql, localSql } from './buckets.ts';
import { MISSING, checkedColumn, rangeConditions, segAlias, where } from './filters.ts';
import type { Sql } from './filters.ts';
import { labelTimestampSql } from './mix.ts';
import type { Granularity, QueryContext } from './params.ts';
import { postRelation, signupRelation } from './relations.ts';
import type { Baseline, Wave } from './waves.ts';

export { MISSING } from './filters.ts';
export const OTHER = 'Other';

/**
 * Values of a segment column with their counts (users for signups, posts for posts), most
 * first, over all the data (no filter), at most `limit`.
 */
export function segmentValuesSql(
  ctx: QueryContext,
  table: 'signups' | 'posts',
  name: string,
  limit = 200,
): Sql {
  checkedColumn(ctx, table, name);
  const bare = { ...ctx, filters: {} };
  const rel =
    table === 'signups'
      ? signupRelation(bare, { columns: [name] })
      : postRelation(bare, { postColumns: [name] });
  return {
    text: `SELECT coalesce(${segAlias(table, name)}, '${MISSING}') AS value, CAST(sum(n) AS BIGINT) AS n
      FROM (${rel.text}) GROUP BY 1 ORDER BY n DESC, value LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: rel.params,
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

/**
 * Signups per bucket by a signups segment, inside the date range: the top `top` values by total,
 * the rest as Other. Only buckets with signups have rows.
 */
export function breakdownSql(ctx: QueryContext, g: Granularity, name: string, top = 8): Sql {
  const rel = signupRelation(ctx, { columns: [name] });
  const t = localSql('u', ctx.tz, ctx.range);
  return {
    text: `WITH seg AS (SELECT ${bucketSql(t, g)} AS b, coalesce(${segAlias('signups', name)}, '${MISSING}') AS v, n
        FROM (${rel.text})${where(rangeConditions(t, ctx.filters))}),
      ranked AS (SELECT v, row_number() OVER (ORDER BY sum(n) DESC, v) AS r FROM seg GROUP BY v),
      counts AS (SELECT b, CASE WHEN r <= ${top} THEN seg.v ELSE '${OTHER}' END AS v, sum(n) AS n
        FROM seg JOIN ranked USING (v) GROUP BY 1, 2)
    SELECT ${labelSql('b', g)} AS bucket_start, v AS value, CAST(n AS BIGINT) AS signups
    FROM counts ORDER BY b, value`,
    params: rel.params,
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
 * is what it brought beyond that, and its share is its part of the total excess. The wave and
 * the baseline window come from the frame; the counts honour the segment filters.
 */
export function attributionSql(
  ctx: QueryContext,
  g: Granularity,
  name: string,
  wave: Wave,
  baseline: Baseline,
): Sql {
  const rel = signupRelation(ctx, { columns: [name] });
  const t = localSql('u', ctx.tz, ctx.range);
  const start = labelTimestampSql(wave.start);
  const end = labelTimestampSql(wave.end);
  const bFrom = labelTimestampSql(baseline.from);
  const bTo = labelTimestampSql(baseline.to);
  return {
    text: `WITH seg AS (SELECT ${bucketSql(t, g)} AS b, coalesce(${segAlias('signups', name)}, '${MISSING}') AS v, n FROM (${rel.text}))
    SELECT v AS value,
      CAST(coalesce(sum(n) FILTER (WHERE b >= ${start} AND b <= ${end}), 0) AS BIGINT) AS wave_signups,
      CAST(coalesce(sum(n) FILTER (WHERE b >= ${bFrom} AND b < ${bTo} + INTERVAL 1 DAY), 0) AS BIGINT) AS baseline_signups
    FROM seg GROUP BY v`,
    params: rel.params,
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
