/** Segment dimensions: values with counts, signups broken down by a segment, wave attribution. */
import type { Engine } from '../db/engine.ts';
import { bucketKeySql, keyLabelSql, localRangeConditions } from './buckets.ts';
import { MISSING, checkedColumn, segAlias, where } from './filters.ts';
import type { Sql } from './filters.ts';
import { int64Sql, literal } from '../db/dialect.ts';
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
    text: `SELECT value, ${int64Sql('sum(n)', ctx.dialect)} AS total FROM (
        SELECT ifNull(${segAlias(table, name)}, '${MISSING}') AS value, n FROM (${rel.text}))
      GROUP BY value ORDER BY total DESC, value LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: rel.params,
  };
}

export async function segmentValues(
  engine: Engine,
  ctx: QueryContext,
  table: 'signups' | 'posts',
  name: string,
): Promise<{ value: string; n: number }[]> {
  const sql = segmentValuesSql(ctx, table, name);
  return (await engine.query(sql.text, sql.params)).map((r) => ({
    value: String(r.value),
    n: Number(r.total),
  }));
}

export interface BreakdownRow {
  bucket_start: string;
  value: string;
  signups: number;
}

/** Signups of the segment inside the date range: bucket key `bk` (buckets.ts), value `v`, count `n`. */
function segmentSignups(ctx: QueryContext, g: Granularity, name: string): Sql {
  const rel = signupRelation(ctx, { columns: [name] });
  return {
    text: `SELECT ${bucketKeySql(ctx, 'u', g)} AS bk, ifNull(${segAlias('signups', name)}, '${MISSING}') AS v, n
      FROM (${rel.text})${where(localRangeConditions(ctx, 'u', ctx.filters))}`,
    params: rel.params,
  };
}

/** The `top` values of a signups segment in the date range, by signups (ties: by value). */
export function topSegmentValuesSql(ctx: QueryContext, g: Granularity, name: string, top = 8): Sql {
  const seg = segmentSignups(ctx, g, name);
  return {
    text: `SELECT v FROM (${seg.text}) GROUP BY v ORDER BY sum(n) DESC, v LIMIT ${Math.max(0, Math.floor(top))}`,
    params: seg.params,
  };
}

/**
 * Signups per bucket by a signups segment, inside the date range: the `topValues` (see
 * topSegmentValuesSql), the rest as Other. Only buckets with signups have rows.
 */
export function breakdownSql(
  ctx: QueryContext,
  g: Granularity,
  name: string,
  topValues: readonly string[],
): Sql {
  const seg = segmentSignups(ctx, g, name);
  const value =
    topValues.length === 0
      ? `'${OTHER}'`
      : `CASE WHEN v IN (${topValues.map(() => '?').join(', ')}) THEN v ELSE '${OTHER}' END`;
  return {
    text: `SELECT ${keyLabelSql(ctx, 'bk', g)} AS bucket_start, value, ${int64Sql('sum(n)', ctx.dialect)} AS signups FROM (
        SELECT bk, ${value} AS value, n FROM (${seg.text}))
      GROUP BY bk, value ORDER BY bk, value`,
    params: [...topValues, ...seg.params],
  };
}

export async function breakdown(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
  name: string,
  top = 8,
): Promise<BreakdownRow[]> {
  const ranked = topSegmentValuesSql(ctx, g, name, top);
  const topValues = (await engine.query(ranked.text, ranked.params)).map((r) => String(r.v));
  const sql = breakdownSql(ctx, g, name, topValues);
  return (await engine.query(sql.text, sql.params)).map((r) => ({
    bucket_start: String(r.bucket_start),
    value: String(r.value),
    signups: Number(r.signups),
  }));
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
  const seg = segmentSignups(
    { ...ctx, filters: { ...ctx.filters, from: null, to: null } },
    g,
    name,
  );
  const d = ctx.dialect;
  // Bucket labels sort as their times: the wave is a label range, the baseline a date range.
  const inWave = `b >= ${literal(wave.start, d)} AND b <= ${literal(wave.end, d)}`;
  const day = 'substring(b, 1, 10)';
  const inBaseline = `${day} >= ${literal(baseline.from, d)} AND ${day} <= ${literal(baseline.to, d)}`;
  return {
    text: `SELECT v AS value,
      ${int64Sql(`sum(CASE WHEN ${inWave} THEN n ELSE 0 END)`, d)} AS wave_signups,
      ${int64Sql(`sum(CASE WHEN ${inBaseline} THEN n ELSE 0 END)`, d)} AS baseline_signups
    FROM (SELECT v, ${keyLabelSql(ctx, 'bk', g)} AS b, n FROM (
      SELECT v, bk, sum(n) AS n FROM (${seg.text}) GROUP BY v, bk)) GROUP BY v`,
    params: seg.params,
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
