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
import { bucketSql, localRangeConditions, localSql } from './buckets.ts';
import {
  cohortLabelSql,
  cohortSql,
  joinSql,
  lastBucketSql,
  periodsSql,
  periodsUpTo,
} from './cohort-sql.ts';
import { doubleSql, int64Sql } from '../db/dialect.ts';
import { inlineParams } from '../db/clickhouse-engine.ts';
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

/**
 * The three relations rs, ra, rr (see the module comment) as a query reads them: names of CTEs
 * that `with` defines (DuckDB), or inline subqueries (ClickHouse 18.16 has no CTEs).
 */
export interface RetentionBase {
  /** `WITH …` defining the three names, or '' when they are subqueries. */
  with: string;
  rs: string;
  ra: string;
  rr: string;
  params: SqlParam[];
}

/** Name three relations in a WITH (DuckDB) over `prefix` CTEs. */
function namedBase(
  prefix: readonly string[],
  parts: { rs: string; ra: string; rr: string },
  params: SqlParam[],
): RetentionBase {
  const ctes = [...prefix, `rs AS (${parts.rs})`, `ra AS (${parts.ra})`, `rr AS (${parts.rr})`];
  return { with: `WITH ${ctes.join(', ')}`, rs: 'rs', ra: 'ra', rr: 'rr', params };
}

/** rs, ra, rr from the retention cube, or null if it cannot serve (DuckDB only). */
function cubeBase(
  ctx: QueryContext,
  g: CohortGranularity,
  dim: RetentionDim,
): RetentionBase | null {
  const cube = retentionCube(ctx, g);
  const combos = ctx.cubes?.signups?.columns ?? [];
  if (!cube || filterColumns(ctx, 'posts').length > 0) return null;
  const cols = [...filterColumns(ctx, 'signups'), ...(dim.kind === 'segment' ? [dim.column] : [])];
  if (!cols.every((c) => combos.includes(c))) return null;
  let d = "''";
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
  return namedBase(
    [],
    { rs: part('sizes', ''), ra: part('active', 'k'), rr: part('reach', 'mk') },
    [...params, ...params, ...params],
  );
}

/** The raw parts: each user's cohort and dimension, and their distinct active periods. */
function rawParts(
  ctx: QueryContext,
  g: CohortGranularity,
  dim: RetentionDim,
): { users: Sql; act: (users: string) => Sql } {
  const ch = ctx.dialect === 'clickhouse';
  const sParams: SqlParam[] = [];
  let d = "''";
  if (dim.kind === 'group') d = groupSql('signup_at', dim.spans, ctx.dialect);
  else if (dim.kind === 'segment')
    d = `ifNull(${checkedColumn(ctx, 'signups', dim.column)}, '${MISSING}')`;
  const sConds = [
    ...segmentConditions(ctx, 'signups', (c) => sqlIdent(c), sParams),
    ...localRangeConditions(ctx, 'signup_at', ctx.filters),
  ];
  const pParams: SqlParam[] = [];
  const pConds = segmentConditions(ctx, 'posts', (c) => `p.${sqlIdent(c)}`, pParams);
  const postBucket = cohortSql(ctx, 'p.created_at', g);
  const users = (table: string, c: string, dd: string) =>
    `SELECT user_id, ${cohortSql(ctx, 'signup_at', g)} AS ${c}, ${d} AS ${dd} FROM ${table}${where(sConds)}`;
  return {
    users: { text: users('signups', 'c', 'd'), params: sParams },
    act: (usersRel) =>
      ch
        ? {
            // Per shard: a user's posts sit on the shard of their signup (both by user_id). ALL:
            // current releases read ANY INNER as one row per key on both sides (one post a user).
            text: `SELECT DISTINCT user_id, _c AS c, _d AS d, ${int64Sql(periodsSql(ctx, '_c', postBucket, g), ctx.dialect)} AS k
              FROM posts AS p ALL INNER JOIN (${users(ctx.localSignups ?? 'signups_local', '_c', '_d')}) AS u USING user_id${where(pConds)}`,
            params: [...sParams, ...pParams],
          }
        : {
            // Each author's distinct post buckets first, then their periods: a user is one row
            // of `users` and a bucket one period from their cohort, so the rows are distinct
            // without a DISTINCT over the join (a pass over every post with the user's columns).
            text: `SELECT u.user_id, u.c, u.d, ${int64Sql(periodsSql(ctx, 'u.c', 'pb.b', g), ctx.dialect)} AS k
              FROM ${usersRel} u JOIN (SELECT DISTINCT p.user_id, ${postBucket} AS b FROM posts p${where(pConds)}) pb
              ON pb.user_id = u.user_id`,
            params: pParams,
          },
  };
}

/** rs, ra, rr over relations of users (user_id, c, d) and their activity (user_id, c, d, k). */
function aggregates(users: string, act: string): { rs: string; ra: string; rr: string } {
  return {
    rs: `SELECT c, d, count(*) AS n FROM ${users} GROUP BY c, d`,
    ra: `SELECT c, d, k, count(*) AS n FROM ${act} WHERE k >= 0 GROUP BY c, d, k`,
    rr: `SELECT c, d, mk, count(*) AS n FROM (
        SELECT c, d, user_id, max(k) AS mk FROM ${act} WHERE k >= 0 GROUP BY c, d, user_id) GROUP BY c, d, mk`,
  };
}

/** rs, ra, rr from the raw tables. */
function rawBase(ctx: QueryContext, g: CohortGranularity, dim: RetentionDim): RetentionBase {
  const parts = rawParts(ctx, g, dim);
  if (ctx.dialect === 'clickhouse') {
    // No CTEs: the relations are subqueries, each with its values written in.
    const users = `(${inlineParams(parts.users.text, parts.users.params)})`;
    const act = parts.act(users);
    const a = aggregates(users, `(${inlineParams(act.text, act.params)})`);
    return { with: '', rs: `(${a.rs})`, ra: `(${a.ra})`, rr: `(${a.rr})`, params: [] };
  }
  const act = parts.act('users');
  return namedBase(
    [`users AS (${parts.users.text})`, `act AS (${act.text})`],
    aggregates('users', 'act'),
    [...parts.users.params, ...act.params],
  );
}

/**
 * Compute the raw retention relations once into temp tables and return the CTEs reading them:
 * the triangle and the wave-group curves of one analysis then share the one expensive pass
 * (the distinct active periods of every user). With dimension `group` the triangle (which sums
 * over it) and the group curves both read it. DuckDB only; elsewhere the raw base is returned.
 */
export async function materializeRetention(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  dim: RetentionDim,
): Promise<RetentionBase> {
  checkFilters(ctx);
  if (ctx.dialect === 'clickhouse') return rawBase(ctx, g, dim);
  const parts = rawParts(ctx, g, dim);
  await engine.query(
    `CREATE OR REPLACE TEMP TABLE _ret_users_raw AS ${parts.users.text}`,
    parts.users.params,
  );
  const act = parts.act('_ret_users_raw');
  await engine.query(`CREATE OR REPLACE TEMP TABLE _ret_act_raw AS ${act.text}`, act.params);
  return namedBase([], aggregates('_ret_users_raw', '_ret_act_raw'), []);
}

export function retentionBase(
  ctx: QueryContext,
  g: CohortGranularity,
  dim: RetentionDim,
): RetentionBase {
  checkFilters(ctx);
  return cubeBase(ctx, g, dim) ?? rawBase(ctx, g, dim);
}

/** Every cell of the triangle (all cohorts together, no dimension). */
export function retentionSql(
  ctx: QueryContext,
  g: CohortGranularity,
  base: RetentionBase = retentionBase(ctx, g, { kind: 'none' }),
): Sql {
  const last = lastBucketSql(ctx, g);
  const left = joinSql(ctx, 'LEFT', 'ANY');
  const cells = `SELECT c, size, span, ${periodsUpTo(ctx, 'span + 1')} AS k FROM (
      SELECT c, size, ${int64Sql(periodsSql(ctx, 'c', last, g), ctx.dialect)} AS span FROM (
        SELECT c, sum(n) AS size FROM ${base.rs} GROUP BY c))`;
  const onK = `SELECT c, k, sum(n) AS active FROM ${base.ra} GROUP BY c, k`;
  // Users whose last active period is k or later, per cell: the reach joined on the cohort.
  const reach = `SELECT c, mk, sum(n) AS n FROM ${base.rr} GROUP BY c, mk`;
  const orAfter = `SELECT c, k, sum(n) AS oa FROM (SELECT c, k FROM (${cells})) AS cl ${joinSql(ctx, 'INNER', 'ALL')} (${reach}) AS rc USING (c) WHERE mk >= k GROUP BY c, k`;
  return {
    text: `${base.with}
    SELECT ${cohortLabelSql(ctx, 'c', g)} AS cohort_start, ${int64Sql('size', ctx.dialect)} AS cohort_size,
      k AS period, ${int64Sql('coalesce(active, 0)', ctx.dialect)} AS active_users,
      ${doubleSql('coalesce(active, 0)', ctx.dialect)} / size AS retention,
      ${int64Sql('coalesce(oa, 0)', ctx.dialect)} AS active_on_or_after, k < span AS complete
    FROM (SELECT c, size, span, k, active FROM (${cells}) AS cl ${left} (${onK}) AS ok USING (c, k)) AS ca
      ${left} (${orAfter}) AS oa_ USING (c, k)
    ORDER BY c, k`,
    params: base.params,
  };
}

/** A cell as read back: numbers as numbers, `complete` as a boolean (ClickHouse says 0/1). */
function cellOf(r: Record<string, unknown>): RetentionCell {
  return {
    cohort_start: String(r.cohort_start),
    cohort_size: Number(r.cohort_size),
    period: Number(r.period),
    active_users: Number(r.active_users),
    retention: Number(r.retention),
    active_on_or_after: Number(r.active_on_or_after),
    complete: r.complete === true || r.complete === 1,
  };
}

export async function retention(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  base?: RetentionBase,
): Promise<RetentionCell[]> {
  const sql = retentionSql(ctx, g, base);
  return (await engine.query(sql.text, sql.params)).map(cellOf);
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
 * period appears only where the key has a complete cell. Segment values beyond the top `top`
 * (by users, then by value) are merged into Other: `topValues` names them (topValuesSql).
 */
export function curvesSql(
  ctx: QueryContext,
  g: CohortGranularity,
  dim: Exclude<RetentionDim, { kind: 'none' }>,
  base: RetentionBase = retentionBase(ctx, g, dim),
  topValues: readonly string[] = [],
): Sql {
  const last = lastBucketSql(ctx, g);
  const params = [...base.params];
  let key = 'd';
  if (dim.kind === 'segment') {
    params.push(...topValues);
    key =
      topValues.length === 0
        ? `'${OTHER}'`
        : `CASE WHEN d IN (${topValues.map(() => '?').join(', ')}) THEN d ELSE '${OTHER}' END`;
  }
  const left = joinSql(ctx, 'LEFT', 'ANY');
  // Complete cells only: periods 0 .. span-1 of each (cohort, value).
  const grid = `SELECT c, d, size, ${periodsUpTo(ctx, 'span')} AS k FROM (
      SELECT c, d, n AS size, ${int64Sql(periodsSql(ctx, 'c', last, g), ctx.dialect)} AS span FROM ${base.rs})`;
  const orAfter = `SELECT c, d, k, sum(n) AS oa FROM (SELECT c, d, k FROM (${grid})) AS gr ${joinSql(ctx, 'INNER', 'ALL')} ${base.rr} AS rr_ USING (c, d) WHERE mk >= k GROUP BY c, d, k`;
  const active = `SELECT c, d, k, n AS active FROM ${base.ra}`;
  return {
    text: `${base.with}
    SELECT key, period, ${int64Sql('sum(size)', ctx.dialect)} AS cohort_size,
      ${int64Sql('sum(coalesce(active, 0))', ctx.dialect)} AS active_users,
      ${int64Sql('sum(coalesce(oa, 0))', ctx.dialect)} AS active_on_or_after
    FROM (
      SELECT ${key} AS key, k AS period, size, active, oa FROM (
        SELECT c, d, k, size, active FROM (${grid}) AS gr ${left} (${active}) AS ac USING (c, d, k)) AS ga
      ${left} (${orAfter}) AS oa_ USING (c, d, k))
    GROUP BY key, period ORDER BY key, period`,
    params,
  };
}

/** The `top` segment values with the most users (ties: by value), for curvesSql. */
export function topValuesSql(base: RetentionBase, top: number): Sql {
  return {
    text: `${base.with} SELECT d FROM (SELECT d, sum(n) AS users FROM ${base.rs} GROUP BY d) ORDER BY users DESC, d LIMIT ${Math.max(0, Math.floor(top))}`,
    params: base.params,
  };
}

export async function curves(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  dim: Exclude<RetentionDim, { kind: 'none' }>,
  base: RetentionBase = retentionBase(ctx, g, dim),
): Promise<CurveRow[]> {
  let topValues: string[] = [];
  if (dim.kind === 'segment') {
    const sql = topValuesSql(base, dim.top ?? 8);
    topValues = (await engine.query<{ d: string }>(sql.text, sql.params)).map((r) => String(r.d));
  }
  const sql = curvesSql(ctx, g, dim, base, topValues);
  return (await engine.query(sql.text, sql.params)).map((r) => ({
    key: String(r.key),
    period: Number(r.period),
    cohort_size: Number(r.cohort_size),
    active_users: Number(r.active_users),
    active_on_or_after: Number(r.active_on_or_after),
  }));
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
