/**
 * Wave detection over a signup series (metrics.md "Migration waves"): a baseline window gives
 * the median and MAD of bucket counts; a bucket surges above
 * max(median + k * 1.4826 * MAD, m * median); runs of surging buckets separated by a single
 * quiet bucket merge into one wave.
 */
import type { SignupBucket } from './signups.ts';
import type { WaveSettings } from './params.ts';
import { addDays, mad, median } from './stats.ts';

/** Scale that makes the MAD a consistent estimator of a normal distribution's sigma. */
export const MAD_SCALE = 1.4826;
export const BASELINE_DAYS = 14;

export interface Baseline {
  from: string;
  to: string;
  median: number;
  mad: number;
  threshold: number;
}

export interface Wave {
  start: string;
  end: string;
  peak: string;
  peak_signups: number;
  /** peak_signups / median; null when the baseline median is 0. */
  peak_multiple: number | null;
  signups: number;
}

export interface WaveResult {
  baseline: Baseline;
  waves: Wave[];
}

/** The date (YYYY-MM-DD) a bucket label starts on. */
const dateOf = (label: string) => label.slice(0, 10);

/** The baseline window: as set, or the first 14 days from the series' first bucket. */
export function baselineWindow(
  series: readonly SignupBucket[],
  settings: WaveSettings,
): { from: string; to: string } | null {
  if (settings.baseline) return settings.baseline;
  const first = series[0];
  if (!first) return null;
  const from = dateOf(first.bucket_start);
  return { from, to: addDays(from, BASELINE_DAYS - 1) };
}

/** Buckets whose start falls inside the (inclusive) window. */
export function inWindow(label: string, window: { from: string; to: string }): boolean {
  const d = dateOf(label);
  return d >= window.from && d <= window.to;
}

export function detectWaves(
  series: readonly SignupBucket[],
  settings: WaveSettings,
): WaveResult | null {
  const window = baselineWindow(series, settings);
  if (!window) return null;
  const counts = series.filter((b) => inWindow(b.bucket_start, window)).map((b) => b.signups);
  const med = counts.length ? median(counts) : 0;
  const dev = counts.length ? mad(counts) : 0;
  const threshold = Math.max(
    med + settings.madMultiplier * MAD_SCALE * dev,
    settings.medianMultiplier * med,
  );
  const surging = series.map((b) => b.signups > threshold);

  // Runs of surging buckets as [first, last] indexes, merged across one quiet bucket.
  const runs: [number, number][] = [];
  surging.forEach((s, i) => {
    if (!s) return;
    const last = runs[runs.length - 1];
    if (last && i - last[1] <= 2) last[1] = i;
    else runs.push([i, i]);
  });

  const waves = runs.map(([a, b]): Wave => {
    let peak = a;
    let total = 0;
    for (let i = a; i <= b; i++) {
      const n = (series[i] as SignupBucket).signups;
      total += n;
      if (n > (series[peak] as SignupBucket).signups) peak = i;
    }
    const p = series[peak] as SignupBucket;
    return {
      start: (series[a] as SignupBucket).bucket_start,
      end: (series[b] as SignupBucket).bucket_start,
      peak: p.bucket_start,
      peak_signups: p.signups,
      peak_multiple: med > 0 ? p.signups / med : null,
      signups: total,
    };
  });
  return { baseline: { ...window, median: med, mad: dev, threshold }, waves };
}

/** Surge start: the override if set, else the first wave's start, else null. */
export function surgeStart(result: WaveResult | null, override: string | null): string | null {
  return override ?? result?.waves[0]?.start ?? null;
}
