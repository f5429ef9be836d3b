/**
 * Calendar-aligned cohort retention (metrics.md "Cohort retention"): a user's cohort is the
 * bucket of their signup; a post's period is the number of whole buckets from the cohort bucket
 * to the post's bucket. Cells run to the bucket holding the dataset end, which is partial: a
 * cell is complete only when its bucket ends before that last bucket (never today's date).
 */
import type { Engine } from '../db/engine.ts';
import { bucketSql, labelSql, localSql, periodsBetweenSql } from './buckets.ts';
import { filteredCtes } from './filters.ts';
import type { Sql } from './filters.ts';
import type { CohortGranularity, QueryContext } from './params.ts';
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

function endLiteral(ctx: QueryContext): string {
  return `make_timestamp(CAST(${Math.round(ctx.range.endMs)} AS BIGINT) * 1000)`;
}

export function retentionSql(ctx: QueryContext, g: CohortGranularity): Sql {
  // The date range selects cohorts; a cohort's later activity counts whenever it happened.
  const base = filteredCtes(ctx, { postsInRange: false });
  const period = (a: string, b: string) => periodsBetweenSql(a, b, g);
  return {
    text: `WITH ${base.text},
      last AS (SELECT ${bucketSql(localSql(endLiteral(ctx), ctx.tz, ctx.range), g)} AS lb),
      users AS (SELECT user_id, min(${bucketSql('t', g)}) AS c FROM fs GROUP BY user_id),
      sizes AS (SELECT c, count(*) AS n FROM users GROUP BY c),
      act AS (SELECT DISTINCT u.user_id, u.c, ${period('u.c', bucketSql('fp.t', g))} AS k
        FROM users u JOIN fp USING (user_id)),
      on_k AS (SELECT c, k, count(*) AS n FROM act WHERE k >= 0 GROUP BY c, k),
      -- Users per cohort by the last period they were active in: a few rows per cohort, so the
      -- on-or-after sum per cell stays cheap however many users there are.
      reach AS (SELECT c, mk, count(*) AS n FROM (
        SELECT c, max(k) AS mk FROM act WHERE k >= 0 GROUP BY c, user_id) GROUP BY c, mk),
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
): Promise<RetentionCell[]> {
  const sql = retentionSql(ctx, g);
  return engine.query<RetentionCell & Record<string, unknown>>(sql.text, sql.params);
}

/** Posts that fall in an earlier bucket than their author's signup: ignored, but counted. */
export function postsBeforeCohortSql(ctx: QueryContext, g: CohortGranularity): Sql {
  const base = filteredCtes(ctx, { postsInRange: false });
  return {
    text: `WITH ${base.text},
      users AS (SELECT user_id, min(${bucketSql('t', g)}) AS c FROM fs GROUP BY user_id)
    SELECT CAST(count(*) AS BIGINT) AS n FROM fp JOIN users USING (user_id) WHERE ${bucketSql('fp.t', g)} < users.c`,
    params: base.params,
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
