/**
 * Bucket arithmetic on labels (`YYYY-MM-DD` or `YYYY-MM-DDTHH:00`, local wall clock) for the
 * Mix view: which bucket is the last complete one, and the default movers window.
 */
import type { Granularity, QueryContext } from '../metrics/params.ts';
import { addDays } from '../metrics/stats.ts';
import { utcToLocalMs } from '../metrics/time-zone.ts';
import type { WaveResult } from '../metrics/waves.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A bucket label as epoch ms read as UTC (local wall clock). */
export function labelMs(label: string): number {
  return Date.parse(label.length > 10 ? `${label}:00Z` : `${label}T00:00:00Z`);
}

/** Start of the bucket after the one starting at `label` (local wall clock ms). */
export function nextBucketMs(label: string, g: Granularity): number {
  const ms = labelMs(label);
  if (g === 'hour') return ms + HOUR;
  if (g === 'day') return ms + DAY;
  if (g === 'week') return ms + 7 * DAY;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Start (local wall clock ms) of the bucket holding local wall-clock time `localMs`. */
export function bucketStartMs(localMs: number, g: Granularity): number {
  const d = new Date(localMs);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (g === 'hour') return day + d.getUTCHours() * HOUR;
  if (g === 'day') return day;
  if (g === 'week') return day - ((d.getUTCDay() + 6) % 7) * DAY; // ISO week: Monday
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Whether a bucket is complete: it ends no later than the start of the dataset's last (partial)
 * bucket, and no later than the end of the date-range filter when one is set.
 */
export function completeBefore(ctx: QueryContext, g: Granularity): (label: string) => boolean {
  let cutoff = bucketStartMs(utcToLocalMs(ctx.range.endMs, ctx.tz), g);
  if (ctx.filters.to) cutoff = Math.min(cutoff, labelMs(ctx.filters.to) + DAY);
  return (label) => nextBucketMs(label, g) <= cutoff;
}

/** The last local date of the dataset. */
export function dataEndDate(ctx: QueryContext): string {
  return new Date(utcToLocalMs(ctx.range.endMs, ctx.tz)).toISOString().slice(0, 10);
}

/** The first wave's dates (start to the last day of its end bucket), else the data's last 14 days. */
export function defaultMoversWindow(
  waves: WaveResult | null,
  ctx: QueryContext,
  g: Granularity,
): { from: string; to: string } {
  const wave = waves?.waves[0];
  if (wave) {
    const to =
      g === 'hour'
        ? wave.end.slice(0, 10)
        : new Date(nextBucketMs(wave.end, g) - DAY).toISOString().slice(0, 10);
    return { from: wave.start.slice(0, 10), to };
  }
  const to = dataEndDate(ctx);
  return { from: addDays(to, -13), to };
}
