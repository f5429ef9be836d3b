/**
 * Retention numbers shaped for people (pure): rates with Wilson intervals per curve point,
 * weighted average curves over complete cells, cohorts split at the surge start.
 */
import type { CurveRow, RetentionCell } from './retention.ts';
import { wilson } from './stats.ts';

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
