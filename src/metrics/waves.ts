/**
 * Waves over a series (metrics.md "Migration waves", "Filters and the frame of the surge").
 *
 * Detection: a baseline window gives the median and MAD of the bucket counts; a bucket surges
 * above max(median + k * 1.4826 * MAD, m * median); runs of surging buckets separated by a short
 * quiet gap merge into one wave (one bucket, or under 24 hours at hour granularity). Buckets the
 * data covers only partly (before the data's first day, or the bucket holding its end) never
 * count in the baseline.
 *
 * The frame (baseline window, wave spans, surge start) is detected once, on the unfiltered
 * series; `applyFrame` then reads a filtered series through that same frame: its own median,
 * MAD and threshold inside the same baseline buckets, and its own peaks inside the same spans.
 */
import type { Granularity, WaveSettings } from './params.ts';
import type { SeriesPoint } from './series.ts';
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
  /** The series' value in the peak bucket (signups for the signup series). */
  peak_signups: number;
  /** peak_signups / median; null when the baseline median is 0. */
  peak_multiple: number | null;
  /** The series summed over the wave (signups for the signup series). */
  signups: number;
}

export interface WaveResult {
  baseline: Baseline;
  waves: Wave[];
}

/** Where the data fully covers buckets: from its first local day to the bucket holding its end. */
export interface Coverage {
  /** Local date (YYYY-MM-DD) of the first event; buckets starting earlier are partial. */
  dataStart: string | null;
  /** Label of the bucket holding the dataset end: partial. */
  endBucket: string | null;
}

export const FULL_COVERAGE: Coverage = { dataStart: null, endBucket: null };

/** The date (YYYY-MM-DD) a bucket label starts on. */
const dateOf = (label: string) => label.slice(0, 10);

/** Quiet buckets that may separate two runs of one wave: one bucket, or 23 hours. */
export function maxQuietGap(g: Granularity): number {
  return g === 'hour' ? 23 : 1;
}

/** The baseline window: as set, or the first 14 days from the data's first day. */
export function baselineWindow(
  series: readonly SeriesPoint[],
  settings: WaveSettings,
  coverage: Coverage = FULL_COVERAGE,
): { from: string; to: string } | null {
  if (settings.baseline) return settings.baseline;
  const first = series[0];
  if (!first) return null;
  const from = coverage.dataStart ?? dateOf(first.bucket_start);
  return { from, to: addDays(from, BASELINE_DAYS - 1) };
}

/** Buckets whose start falls inside the (inclusive) window. */
export function inWindow(label: string, window: { from: string; to: string }): boolean {
  const d = dateOf(label);
  return d >= window.from && d <= window.to;
}

/** Whether the data covers a bucket only partly. */
export function isPartial(label: string, coverage: Coverage): boolean {
  return (
    (coverage.dataStart !== null && dateOf(label) < coverage.dataStart) ||
    label === coverage.endBucket
  );
}

/** The baseline buckets' values: inside the window and fully covered. */
function baselineStats(
  series: readonly SeriesPoint[],
  window: { from: string; to: string },
  settings: WaveSettings,
  coverage: Coverage,
): Baseline {
  const counts = series
    .filter((b) => inWindow(b.bucket_start, window) && !isPartial(b.bucket_start, coverage))
    .map((b) => b.value);
  const med = counts.length ? median(counts) : 0;
  const dev = counts.length ? mad(counts) : 0;
  const threshold = Math.max(
    med + settings.madMultiplier * MAD_SCALE * dev,
    settings.medianMultiplier * med,
  );
  return { ...window, median: med, mad: dev, threshold };
}

/** A wave over buckets a..b (indexes) of a series. */
function waveOver(series: readonly SeriesPoint[], a: number, b: number, med: number): Wave {
  let peak = a;
  let total = 0;
  for (let i = a; i <= b; i++) {
    const n = (series[i] as SeriesPoint).value;
    total += n;
    if (n > (series[peak] as SeriesPoint).value) peak = i;
  }
  const p = series[peak] as SeriesPoint;
  return {
    start: (series[a] as SeriesPoint).bucket_start,
    end: (series[b] as SeriesPoint).bucket_start,
    peak: p.bucket_start,
    peak_signups: p.value,
    peak_multiple: med > 0 ? p.value / med : null,
    signups: total,
  };
}

/** Detect the frame on a series (the unfiltered one, or a segment's when asked to). */
export function detectWaves(
  series: readonly SeriesPoint[],
  settings: WaveSettings,
  g: Granularity = 'day',
  coverage: Coverage = FULL_COVERAGE,
): WaveResult | null {
  const window = baselineWindow(series, settings, coverage);
  if (!window) return null;
  const baseline = baselineStats(series, window, settings, coverage);
  const gap = maxQuietGap(g) + 1;
  // Runs of surging buckets as [first, last] indexes, merged across short quiet gaps.
  const runs: [number, number][] = [];
  series.forEach((b, i) => {
    if (!(b.value > baseline.threshold)) return;
    const last = runs[runs.length - 1];
    if (last && i - last[1] <= gap) last[1] = i;
    else runs.push([i, i]);
  });
  return { baseline, waves: runs.map(([a, b]) => waveOver(series, a, b, baseline.median)) };
}

/**
 * Read a series through a fixed frame: the frame's baseline window and wave spans, this
 * series' own baseline statistics and peaks. Spans missing from the series are left out.
 */
export function applyFrame(
  series: readonly SeriesPoint[],
  frame: WaveResult,
  settings: WaveSettings,
  coverage: Coverage = FULL_COVERAGE,
): WaveResult {
  const window = { from: frame.baseline.from, to: frame.baseline.to };
  const baseline = baselineStats(series, window, settings, coverage);
  const index = new Map(series.map((b, i) => [b.bucket_start, i]));
  const waves: Wave[] = [];
  for (const w of frame.waves) {
    const a = index.get(w.start);
    const b = index.get(w.end);
    if (a !== undefined && b !== undefined) waves.push(waveOver(series, a, b, baseline.median));
  }
  return { baseline, waves };
}

/** Surge start: the override if set, else the first wave's start, else null. */
export function surgeStart(result: WaveResult | null, override: string | null): string | null {
  return override ?? result?.waves[0]?.start ?? null;
}
