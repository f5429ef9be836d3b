/**
 * Plausible timestamps. An export of signups or posts of a social app holds instants from this
 * century; a value outside it is a sentinel (epoch 0 = 1970-01-01, 0001-01-01, 9999-12-31) or a
 * typo. Such rows are loaded and counted (the file's report says how many and on which lines),
 * but the analyses leave them out: one of them would otherwise stretch the series over
 * centuries and move the baseline to the sentinel's date.
 *
 * The range is fixed and documented (README "Choices"): from 2000-01-01T00:00:00Z (inclusive)
 * to 2100-01-01T00:00:00Z (exclusive), in UTC, after zone conversion.
 */
import { instantLiteral } from '../db/dialect.ts';
import type { Dialect } from '../db/dialect.ts';

/** First plausible instant (epoch ms): 2000-01-01T00:00:00Z. */
export const PLAUSIBLE_FROM_MS = Date.UTC(2000, 0, 1);
/** First instant past the plausible range (epoch ms): 2100-01-01T00:00:00Z. */
export const PLAUSIBLE_TO_MS = Date.UTC(2100, 0, 1);

/** The range in words, for reports and messages. */
export const PLAUSIBLE_RANGE_TEXT = '2000-01-01..2099-12-31 (UTC)';

/** SQL: the UTC TIMESTAMP expression lies inside the plausible range (NULL stays NULL). */
export function plausibleSql(expr: string, d: Dialect = 'duckdb'): string {
  return `(${expr} >= ${instantLiteral(PLAUSIBLE_FROM_MS, d)} AND ${expr} < ${instantLiteral(PLAUSIBLE_TO_MS, d)})`;
}

/** SQL: the UTC TIMESTAMP expression is not NULL and lies outside the plausible range. */
export function implausibleSql(expr: string): string {
  return `(${expr} < ${instantLiteral(PLAUSIBLE_FROM_MS)} OR ${expr} >= ${instantLiteral(PLAUSIBLE_TO_MS)})`;
}

/** An instant range (epoch ms) cut to the plausible range, or null when nothing of it is left. */
export function clampToPlausible(
  range: { lo: number; hi: number } | null,
): { lo: number; hi: number } | null {
  if (!range) return null;
  const lo = Math.max(range.lo, PLAUSIBLE_FROM_MS);
  const hi = Math.min(range.hi, PLAUSIBLE_TO_MS);
  return lo <= hi ? { lo, hi } : null;
}

export function isPlausibleMs(ms: number): boolean {
  return ms >= PLAUSIBLE_FROM_MS && ms < PLAUSIBLE_TO_MS;
}
