/**
 * The frame of the surge in instants, for SQL: the surge start and the wave spans as UTC times,
 * the wave group of a signup (metrics.md "Wave groups"), and the boundaries pre-aggregates band
 * author signups by so every frame's groups can be read from them.
 */
import { labelEndUtcMs, labelToUtcMs, bucketOfInstant } from './labels.ts';
import type { Granularity, QueryContext } from './params.ts';
import { instantLiteral } from '../db/dialect.ts';
import type { Dialect } from '../db/dialect.ts';
import type { Coverage, WaveResult } from './waves.ts';

/** The coverage of a series whose first event falls on `dataStart` (local date). */
export function coverageOf(dataStart: string | null, ctx: QueryContext, g: Granularity): Coverage {
  return { dataStart, endBucket: bucketOfInstant(ctx.range.endMs, g, ctx.tz) };
}

/** The frame as UTC instants: the surge start and each wave's [start, end). */
export interface GroupSpans {
  surgeUtcMs: number | null;
  waves: { startUtcMs: number; endUtcMs: number }[];
}

export function groupSpans(
  frame: WaveResult | null,
  surgeLabel: string | null,
  g: Granularity,
  tz: string,
): GroupSpans {
  return {
    surgeUtcMs: surgeLabel === null ? null : labelToUtcMs(surgeLabel, tz),
    waves: (frame?.waves ?? []).map((w) => ({
      startUtcMs: labelToUtcMs(w.start, tz),
      endUtcMs: labelEndUtcMs(w.end, g, tz),
    })),
  };
}

export const GROUP_BEFORE = 'before';
export const GROUP_BETWEEN = 'between';
export const waveGroupName = (i: number) => `wave ${i + 1}`;

/** Group names in display order: before, wave 1, wave 2, ..., between. */
export function groupNames(spans: GroupSpans): string[] {
  return [GROUP_BEFORE, ...spans.waves.map((_, i) => waveGroupName(i)), GROUP_BETWEEN];
}

/** The group of a signup instant (JS), by the rule groupSql writes in SQL. */
export function groupOf(utcMs: number, spans: GroupSpans): string {
  if (spans.surgeUtcMs === null || utcMs < spans.surgeUtcMs) return GROUP_BEFORE;
  const i = spans.waves.findIndex((w) => utcMs >= w.startUtcMs && utcMs < w.endUtcMs);
  return i >= 0 ? waveGroupName(i) : GROUP_BETWEEN;
}

/**
 * SQL for the group of a signup-instant expression: before the surge start, inside wave N's
 * buckets, or between (after the surge start, outside every wave). No surge start: all before.
 */
export function groupSql(expr: string, spans: GroupSpans, d?: Dialect): string {
  if (spans.surgeUtcMs === null) return `'${GROUP_BEFORE}'`;
  const waves = spans.waves.map(
    (w, i) =>
      `WHEN ${expr} >= ${instantLiteral(w.startUtcMs, d)} AND ${expr} < ${instantLiteral(w.endUtcMs, d)} THEN '${waveGroupName(i)}'`,
  );
  return `(CASE WHEN ${expr} < ${instantLiteral(spans.surgeUtcMs, d)} THEN '${GROUP_BEFORE}' ${waves.join(' ')} ELSE '${GROUP_BETWEEN}' END)`;
}

/** Every instant a frame's groups or newcomers split signups at. */
export function spanBoundaries(spans: GroupSpans): number[] {
  return [
    ...(spans.surgeUtcMs === null ? [] : [spans.surgeUtcMs]),
    ...spans.waves.flatMap((w) => [w.startUtcMs, w.endUtcMs]),
  ];
}

/** Sorted, distinct boundaries. */
export function mergeBoundaries(...lists: readonly (readonly number[])[]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

/**
 * SQL for the group of a pre-aggregated band (bands split signups at sorted `boundaries`; band
 * i holds signups in [boundaries[i-1], boundaries[i]), -1 authors not in the signup export).
 * Exact when every span boundary is one of `boundaries`; null otherwise.
 */
export function bandGroupSql(
  band: string,
  boundaries: readonly number[],
  spans: GroupSpans,
): string | null {
  if (!spanBoundaries(spans).every((b) => boundaries.includes(b))) return null;
  const whens: string[] = [];
  for (let i = 0; i <= boundaries.length; i++) {
    // Any instant of the band stands for all of it: its lower boundary, or just below the first.
    const at = i === 0 ? (boundaries[0] ?? 0) - 1 : (boundaries[i - 1] as number);
    whens.push(`WHEN ${i} THEN '${groupOf(at, spans)}'`);
  }
  return `(CASE ${band} ${whens.join(' ')} END)`;
}
