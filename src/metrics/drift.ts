/** Drift of the content mix against the baseline mix, and the categories that moved most. */
import type { AuthorGroup } from './params.ts';
import type { CategoryShare, MixRow } from './mix.ts';
import { jensenShannon } from './stats.ts';

export interface DriftRow {
  bucket_start: string;
  group: AuthorGroup;
  jsd: number;
}

/**
 * JSD (log base 2) per bucket and group between the group's category shares and the baseline
 * distribution. Empty when the baseline window holds no posts (there is nothing to compare with).
 */
export function driftFromMix(
  mix: readonly MixRow[],
  baseline: readonly CategoryShare[],
): DriftRow[] {
  if (baseline.length === 0) return [];
  const base = new Map(baseline.map((c) => [c.category, c.share]));
  const cells = new Map<
    string,
    { bucket_start: string; group: AuthorGroup; shares: Map<string, number> }
  >();
  for (const row of mix) {
    const key = `${row.bucket_start}\u0000${row.group}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { bucket_start: row.bucket_start, group: row.group, shares: new Map() };
      cells.set(key, cell);
    }
    cell.shares.set(row.category, row.share);
  }
  return [...cells.values()].map((c) => ({
    bucket_start: c.bucket_start,
    group: c.group,
    jsd: jensenShannon(c.shares, base),
  }));
}

export interface Mover {
  category: string;
  baseline_share: number;
  window_share: number;
  /** Change in percentage points (window minus baseline). */
  change_pp: number;
}

/** Categories ranked by the size of their share change, largest first. */
export function topMovers(
  baseline: readonly CategoryShare[],
  window: readonly CategoryShare[],
): Mover[] {
  const a = new Map(baseline.map((c) => [c.category, c.share]));
  const b = new Map(window.map((c) => [c.category, c.share]));
  const cats = new Set([...a.keys(), ...b.keys()]);
  return [...cats]
    .map((category) => {
      const baseline_share = a.get(category) ?? 0;
      const window_share = b.get(category) ?? 0;
      return {
        category,
        baseline_share,
        window_share,
        change_pp: (window_share - baseline_share) * 100,
      };
    })
    .sort(
      (x, y) =>
        Math.abs(y.change_pp) - Math.abs(x.change_pp) || x.category.localeCompare(y.category),
    );
}
