/**
 * Arithmetic on bucket labels (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:00` for hours: local wall-clock
 * bucket starts) in plain JS: the bucket after one, the bucket holding a moment, and the UTC
 * instant a label starts at in a zone.
 */
import type { Granularity } from './params.ts';
import { localToUtcMs, utcToLocalMs } from './time-zone.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A bucket label as epoch ms read as UTC (local wall clock). */
export function labelMs(label: string): number {
  return Date.parse(label.length > 10 ? `${label}:00Z` : `${label}T00:00:00Z`);
}

/** The label of a local wall-clock moment's bucket start. */
export function labelOf(localMs: number, g: Granularity): string {
  const iso = new Date(bucketStartMs(localMs, g)).toISOString();
  return g === 'hour' ? iso.slice(0, 13) + ':00' : iso.slice(0, 10);
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

/** The UTC instant (epoch ms) a local bucket label starts at in `tz` (fold=0, as time-zone.ts). */
export function labelToUtcMs(label: string, tz: string): number {
  return localToUtcMs(labelMs(label), tz);
}

/** The UTC instant the bucket `label` ends at (the next bucket's start). */
export function labelEndUtcMs(label: string, g: Granularity, tz: string): number {
  return localToUtcMs(nextBucketMs(label, g), tz);
}

/** The label of the bucket holding a UTC instant in `tz`. */
export function bucketOfInstant(utcMs: number, g: Granularity, tz: string): string {
  return labelOf(utcToLocalMs(utcMs, tz), g);
}
