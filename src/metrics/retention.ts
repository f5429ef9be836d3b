/**
 * Calendar-aligned cohort retention (metrics.md "Cohort retention", "Wave groups"): a user's
 * cohort is the bucket of their signup; a post's period is the number of whole buckets from the
 * cohort bucket to the post's bucket. Cells run to the bucket holding the dataset end, which is
 * partial: a cell is complete only when its bucket ends before that last bucket.
 *
 * Everything is computed from three small relations per (cohort c, dimension d): cohort sizes
 * `rs(c, d, n)`, users active in period k `ra(c, d, k, n)` and users by their last active period
 * `rr(c, d, mk, n)`, read from a retention cube (cubes.ts) when one serves the query, else from
 * the raw tables. The dimension is nothing (the triangle), a wave group or a signup column.
 */
import type { Engine, SqlParam } from '../db/engine.ts';
import { sqlIdent } from '../db/engine.ts';
import { bucketSql, labelSql, localSql, periodsBetweenSql } from './buckets.ts';
import {
  checkFilters,
  checkedColumn,
  filterColumns,
  MISSING,
  rangeConditions,
  segAlias,
  segmentConditions,
  where,
} from './filters.ts';
import type { Sql } from './filters.ts';
import { bandGroupSql, groupSql } from './frame.ts';
import type { GroupSpans } from './frame.ts';
import type { CohortGranularity, QueryContext } from './params.ts';
import { instantSql } from './relations.ts';
import { wilson } from './stats.ts';

export interface RetentionCell {
  cohort_start: string;
  cohort_size: number;
  period: number;
  active_users: number;
  retention: number;
  active_on_or_after: number;
  complete: boolean;
}

/** What the cohorts are split by, besides their bucket. */
export type RetentionDim =
  | { kind: 'none' }
  | { kind: 'group'; spans: GroupSpans }
  | { kind: 'segment'; column: string; top?: number };

export const OTHER = 'Other';

/** The retention cube for the context's zone and a granularity, if one exists. */
function retentionCube(ctx: QueryContext, g: CohortGranularity) {
  return ctx.cubes?.retention.find((r) => r.tz === ctx.tz && r.g === g) ?? null;
}

/** CTEs rs, ra, rr (see the module comment) from the retention cube, or null if it cannot serve. */
function cubeBase(ctx: QueryContext, g: CohortGranularity, dim: RetentionDim): Sql | null {
  const cube = retentionCube(ctx, g);
  const combos = ctx.cubes?.signups?.columns ?? [];
  if (!cube || filterColumns(ctx, 'posts').length > 0) return null;
  const cols = [...filterColumns(ctx, 'signups'), ...(dim.kind === 'segment' ? [dim.column] : [])];
  if (!cols.every((c) => combos.includes(c))) return null;
  let d = 'NULL';
  if (dim.kind === 'group') {
    const bandSql = bandGroupSql('x.band', cube.boundaries, dim.spans);
    if (bandSql === null) return null;
    d = bandSql;
  } else if (dim.kind === 'segment') {
    checkedColumn(ctx, 'signups', dim.column);
    d = `coalesce(c.${segAlias('signups', dim.column)}, '${MISSING}')`;
  }
  const params: SqlParam[] = [];
  const conds = [
    ...segmentConditions(ctx, 'signups', (col) => `c.${segAlias('signups', col)}`, params),
    ...rangeConditions('CAST(x.sd AS TIMESTAMP)', ctx.filters),
  ];
  const join = cols.length > 0 ? ' JOIN cube_combos c USING (acombo)' : '';
  const c = bucketSql('CAST(x.sd AS TIMESTAMP)', g);
  const part = (table: string, extra: string) =>
    `SELECT ${c} AS c, ${d} AS d${extra ? `, x.${extra}` : ''}, sum(x.n) AS n FROM ${sqlIdent(`${cube.name}_${table}`)} x${join}${where(conds)} GROUP BY ALL`;
  // The same conditions appear three times: bind their values three times.
  return {
    text: `rs AS (${part('sizes', '')}), ra AS (${part('active', 'k')}), rr AS (${part('reach', 'mk')})`,
    params: [...params, ...params, ...params],
  };
}

/** The raw parts: each user's cohort and dimension, and their distinct active periods. */
function rawParts(
  ctx: QueryContext,
  g: CohortGranularity,
  dim: RetentionDim,
): { users: Sql; act: (users: string) => Sql } {
  const sParams: SqlParam[] = [];
  const t = localSql('s.signup_at', ctx.tz, ctx.range);
  let d = 'NULL';
  if (dim.kind === 'group') d = groupSql('s.signup_at', dim.spans);
  else if (dim.kind === 'segment')
    d = `coalesce(s.${checkedColumn(ctx, 'signups', dim.column)}, '${MISSING}')`;
  const sConds = [
    ...segmentConditions(ctx, 'signups', (c) => `s.${sqlIdent(c)}`, sParams),
    ...rangeConditions(t, ctx.filters),
  ];
  const pParams: SqlParam[] = [];
  const pConds = segmentConditions(ctx, 'posts', (c) => `p.${sqlIdent(c)}`, pParams);
  const postBucket = bucketSql(localSql('p.created_at', ctx.tz, ctx.range), g);
  return {
    users: {
      text: `SELECT s.user_id, ${bucketSql(t, g)} AS c, ${d} AS d FROM signups s${where(sConds)}`,
      params: sParams,
    },
    act: (users) => ({
      text: `SELECT DISTINCT u.user_id, u.c, u.d, ${periodsBetweenSql('u.c', postBucket, g)} AS k
        FROM ${users} u JOIN posts p ON p.user_id = u.user_id${where(pConds)}`,
      params: pParams,
    }),
  };
}

/** rs, ra, rr over relations of users (user_id, c, d) and their activity (user_id, c, d, k). */
function aggregatesSql(users: string, act: string): string {
  return `rs AS (SELECT c, d, count(*) AS n FROM ${users} GROUP BY c, d),
      ra AS (SELECT c, d, k, count(*) AS n FROM ${act} WHERE k >= 0 GROUP BY c, d, k),
      rr AS (SELECT c, d, mk, count(*) AS n FROM (
        SELECT c, d, user_id, max(k) AS mk FROM ${act} WHERE k >= 0 GROUP BY c, d, user_id) GROUP BY c, d, mk)`;
}

/** CTEs rs, ra, rr from the raw tables. */
function rawBase(ctx: QueryContext, g: CohortGranularity, dim: RetentionDim): Sql {
  const parts = rawParts(ctx, g, dim);
  const act = parts.act('users');
  return {
    text: `users AS (${parts.users.text}), act AS (${act.text}), ${aggregatesSql('users', 'act')}`,
    params: [...parts.users.params, ...act.params],
  };
}

/**
 * Compute the raw retention relations once into temp tables and return the CTEs reading them:
 * the triangle and the wave-group curves of one analysis then share the one expensive pass
 * (the distinct active periods of every user). With dimension `group` the triangle (which sums
 * over it) and the group curves both read it.
 */
export async function materializeRetention(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  dim: RetentionDim,
): Promise<Sql> {
  checkFilters(ctx);
  const parts = rawParts(ctx, g, dim);
  await engine.query(
    `CREATE OR REPLACE TEMP TABLE _ret_users_raw AS ${parts.users.text}`,
    parts.users.params,
  );
  const act = parts.act('_ret_users_raw');
  await engine.query(`CREATE OR REPLACE TEMP TABLE _ret_act_raw AS ${act.text}`, act.params);
  return { text: aggregatesSql('_ret_users_raw', '_ret_act_raw'), params: [] };
}

export function retentionBase(ctx: QueryContext, g: CohortGranularity, dim: RetentionDim): Sql {
  checkFilters(ctx);
  return cubeBase(ctx, g, dim) ?? rawBase(ctx, g, dim);
}

function lastBucketCte(ctx: QueryContext, g: CohortGranularity): string {
  return `last AS (SELECT ${bucketSql(localSql(instantSql(ctx.range.endMs), ctx.tz, ctx.range), g)} AS lb)`;
}

/** Every cell of the triangle (all cohorts together, no dimension). */
export function retentionSql(
  ctx: QueryContext,
  g: CohortGranularity,
  base: Sql = retentionBase(ctx, g, { kind: 'none' }),
): Sql {
  const period = (a: string, b: string) => periodsBetweenSql(a, b, g);
  return {
    text: `WITH ${base.text}, ${lastBucketCte(ctx, g)},
      sizes AS (SELECT c, sum(n) AS n FROM rs GROUP BY c),
      on_k AS (SELECT c, k, sum(n) AS n FROM ra GROUP BY c, k),
      reach AS (SELECT c, mk, sum(n) AS n FROM rr GROUP BY c, mk),
      cells AS (SELECT s.c, s.n AS size, g.k, ${period('s.c', 'last.lb')} AS span
        FROM sizes s CROSS JOIN last CROSS JOIN generate_series(0, ${period('s.c', 'last.lb')}) AS g(k))
    SELECT ${labelSql('cells.c', g)} AS cohort_start, CAST(cells.size AS BIGINT) AS cohort_size,
      CAST(cells.k AS INTEGER) AS period, CAST(coalesce(on_k.n, 0) AS BIGINT) AS active_users,
      CAST(coalesce(on_k.n, 0) AS DOUBLE) / cells.size AS retention,
      CAST((SELECT coalesce(sum(r.n), 0) FROM reach r WHERE r.c = cells.c AND r.mk >= cells.k) AS BIGINT) AS active_on_or_after,
      cells.k < cells.span AS complete
    FROM cells LEFT JOIN on_k ON on_k.c = cells.c AND on_k.k = cells.k
    ORDER BY cells.c, cells.k`,
    params: base.params,
  };
}

export async function retention(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  base?: Sql,
): Promise<RetentionCell[]> {
  const sql = retentionSql(ctx, g, base);
  return engine.query<RetentionCell & Record<string, unknown>>(sql.text, sql.params);
}

export interface CurveRow {
  /** The group or segment value (the top values, the rest as Other). */
  key: string;
  period: number;
  cohort_size: number;
  active_users: number;
  active_on_or_after: number;
}

/**
 * Average curves by a dimension over complete cells: for each key and period k, users active
 * summed over the complete cells (cohort bucket, key) divided by the sum of their sizes. A
 * period appears only where the key has a complete cell. Segment values beyond the top
 * `top` (by users) are merged into Other.
 */
export function curvesSql(
  ctx: QueryContext,
  g: CohortGranularity,
  dim: Exclude<RetentionDim, { kind: 'none' }>,
  base: Sql = retentionBase(ctx, g, dim),
): Sql {
  const period = (a: string, b: string) => periodsBetweenSql(a, b, g);
  const top = dim.kind === 'segment' ? (dim.top ?? 8) : null;
  const key =
    top === null ? 'grid.d' : `CASE WHEN ranked.r <= ${top} THEN grid.d ELSE '${OTHER}' END`;
  return {
    text: `WITH ${base.text}, ${lastBucketCte(ctx, g)},
      ranked AS (SELECT d, row_number() OVER (ORDER BY sum(n) DESC, d) AS r FROM rs GROUP BY d),
      grid AS (SELECT s.c, s.d, s.n AS size, g.k,
          (SELECT coalesce(sum(r.n), 0) FROM rr r WHERE r.c = s.c AND r.d IS NOT DISTINCT FROM s.d AND r.mk >= g.k) AS oa
        FROM rs s CROSS JOIN last CROSS JOIN generate_series(0, ${period('s.c', 'last.lb')} - 1) AS g(k))
    SELECT ${key} AS key, CAST(grid.k AS INTEGER) AS period, CAST(sum(grid.size) AS BIGINT) AS cohort_size,
      CAST(sum(coalesce(a.n, 0)) AS BIGINT) AS active_users, CAST(sum(grid.oa) AS BIGINT) AS active_on_or_after
    FROM grid JOIN ranked ON ranked.d IS NOT DISTINCT FROM grid.d
      LEFT JOIN ra a ON a.c = grid.c AND a.d IS NOT DISTINCT FROM grid.d AND a.k = grid.k
    GROUP BY 1, 2 ORDER BY 1, 2`,
    params: base.params,
  };
}

export async function curves(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  dim: Exclude<RetentionDim, { kind: 'none' }>,
  base?: Sql,
): Promise<CurveRow[]> {
  const sql = curvesSql(ctx, g, dim, base);
  return engine.query<CurveRow & Record<string, unknown>>(sql.text, sql.params);
}

/** One row of retention_groups.csv: a wave group's average curve point with its interval. */
export interface GroupPoint {
  group: string;
  period: number;
  cohort_size: number;
  active_users: number;
  retention: number;
  ci_low: number;
  ci_high: number;
}

/** Curve rows with rates and Wilson intervals ("On", or "On or after"), in key order given. */
export function withIntervals(
  rows: readonly CurveRow[],
  order: readonly string[],
  mode: 'on' | 'on_or_after' = 'on',
): GroupPoint[] {
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return [...rows]
    .filter((r) => r.cohort_size > 0)
    .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key) || a.period - b.period)
    .map((r) => {
      const active = mode === 'on' ? r.active_users : r.active_on_or_after;
      const ci = wilson(active, r.cohort_size);
      return {
        group: r.key,
        period: r.period,
        cohort_size: r.cohort_size,
        active_users: active,
        retention: active / r.cohort_size,
        ci_low: ci?.low ?? 0,
        ci_high: ci?.high ?? 0,
      };
    });
}

/** Posts that fall in an earlier bucket than their author's signup: ignored, but counted. */
export function postsBeforeCohortSql(ctx: QueryContext, g: CohortGranularity): Sql {
  const params: SqlParam[] = [];
  const t = localSql('s.signup_at', ctx.tz, ctx.range);
  const sConds = [
    ...segmentConditions(ctx, 'signups', (c) => `s.${sqlIdent(c)}`, params),
    ...rangeConditions(t, ctx.filters),
  ];
  const pConds = segmentConditions(ctx, 'posts', (c) => `p.${sqlIdent(c)}`, params);
  return {
    text: `SELECT CAST(count(*) AS BIGINT) AS n FROM posts p JOIN signups s ON s.user_id = p.user_id
      WHERE ${bucketSql(localSql('p.created_at', ctx.tz, ctx.range), g)} < ${bucketSql(t, g)}${sConds.length ? ` AND ${sConds.join(' AND ')}` : ''}${pConds.length ? ` AND ${pConds.join(' AND ')}` : ''}`,
    params,
  };
}

export interface CurvePoint {
  period: number;
  active: number;
  size: number;
  /** null when no complete cell exists for this period. */
  retention: number | null;
  low: number | null;
  high: number | null;
}

/** Weighted average curve over complete cells, with 95% Wilson intervals. */
export function averageCurve(
  cells: readonly RetentionCell[],
  mode: 'on' | 'on_or_after' = 'on',
): CurvePoint[] {
  const byPeriod = new Map<number, { active: number; size: number }>();
  for (const c of cells) {
    if (!c.complete) continue;
    const p = byPeriod.get(c.period) ?? { active: 0, size: 0 };
    p.active += mode === 'on' ? c.active_users : c.active_on_or_after;
    p.size += c.cohort_size;
    byPeriod.set(c.period, p);
  }
  return [...byPeriod.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([period, { active, size }]) => {
      const ci = wilson(active, size);
      return {
        period,
        active,
        size,
        retention: size > 0 ? active / size : null,
        low: ci?.low ?? null,
        high: ci?.high ?? null,
      };
    });
}

/** Wilson interval of one cell. */
export function cellInterval(cell: RetentionCell, mode: 'on' | 'on_or_after' = 'on') {
  return wilson(mode === 'on' ? cell.active_users : cell.active_on_or_after, cell.cohort_size);
}

/**
 * Split cohorts at the surge start: a cohort is a surge cohort when it ends after the surge
 * start (it holds surge signups), pre-surge otherwise.
 */
export function splitCohorts(
  cells: readonly RetentionCell[],
  surgeStartDate: string | null,
  nextBucket: (cohortStart: string) => string,
): { pre: RetentionCell[]; surge: RetentionCell[] } {
  if (!surgeStartDate) return { pre: [...cells], surge: [] };
  const pre: RetentionCell[] = [];
  const surge: RetentionCell[] = [];
  for (const c of cells) (nextBucket(c.cohort_start) > surgeStartDate ? surge : pre).push(c);
  return { pre, surge };
}
