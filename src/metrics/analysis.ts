/** All analyses for one set of parameters: what the CLI writes and the dashboard first shows. */
import type { Engine } from '../db/engine.ts';
import { driftFromMix } from './drift.ts';
import type { DriftRow } from './drift.ts';
import { coverageOf, groupNames, groupSpans } from './frame.ts';
import { labelToUtcMs } from './labels.ts';
import { contentMix, windowMix } from './mix.ts';
import type { MixRow } from './mix.ts';
import type {
  CohortGranularity,
  Granularity,
  QueryContext,
  SeriesKind,
  WaveSettings,
} from './params.ts';
import { curves, materializeRetention, retention } from './retention.ts';
import type { RetentionCell } from './retention.ts';
import { withIntervals } from './retention-shape.ts';
import type { GroupPoint } from './retention-shape.ts';
import { series } from './series.ts';
import type { Series, SeriesPoint } from './series.ts';
import { applyFrame, baselineWindow, detectWaves, surgeStart } from './waves.ts';
import type { WaveResult } from './waves.ts';

export interface AnalysisParams {
  granularity: Granularity;
  cohort: CohortGranularity;
  waves: WaveSettings;
  /** Overrides the first wave's start. */
  surgeStart: string | null;
  /** The series waves are detected on and drawn for (default signups). */
  series?: SeriesKind;
  /** Detect the frame on the filtered series instead of the whole data. */
  detectInSegment?: boolean;
}

export interface Analysis {
  /** Signups per bucket under the filters (signups.csv). */
  signups: SeriesPoint[];
  /** The chosen series' waves, read through its fixed frame (waves.json). */
  waves: WaveResult | null;
  /** The signup frame in force: it gives the surge start, the baseline window and the groups. */
  frame: WaveResult | null;
  surgeStart: string | null;
  mix: MixRow[];
  drift: DriftRow[];
  retention: RetentionCell[];
  /** Average retention per wave group (retention_groups.csv). */
  groups: GroupPoint[];
}

const hasSegments = (ctx: QueryContext) => (ctx.filters.segments ?? []).length > 0;

/** The context without its segment filters and date range: the whole data. */
export function wholeData(ctx: QueryContext): QueryContext {
  return { ...ctx, filters: { segments: [], from: null, to: null } };
}

/**
 * A series' frame and view. The frame is detected on the unfiltered series (or, when asked, on
 * the filtered one); the view is the filtered series read through that frame.
 */
export function frameAndView(
  all: Series,
  mine: Series,
  filtered: boolean,
  settings: WaveSettings,
  g: Granularity,
  ctx: QueryContext,
  detectInSegment: boolean,
): { frame: WaveResult | null; view: WaveResult | null } {
  const coverage = coverageOf(all.dataStart, ctx, g);
  if (!filtered) {
    const frame = detectWaves(all.points, settings, g, coverage);
    return { frame, view: frame };
  }
  if (detectInSegment) {
    const frame = detectWaves(mine.points, settings, g, coverage);
    return { frame, view: frame };
  }
  const frame = detectWaves(all.points, settings, g, coverage);
  return { frame, view: frame ? applyFrame(mine.points, frame, settings, coverage) : null };
}

/** The series and their waves: what every engine can compute (signups.csv, waves.json). */
export interface WavesAnalysis {
  /** Signups per bucket under the filters, in the date range. */
  signups: SeriesPoint[];
  /** The chosen series' waves, read through its fixed frame. */
  waves: WaveResult | null;
  /** The signup frame in force. */
  frame: WaveResult | null;
  surgeStart: string | null;
  /** The surge start as a UTC instant (epoch ms). */
  surgeUtcMs: number | null;
  /** The unfiltered signup series (the baseline window is read from it). */
  allSignups: Series;
}

export async function runWaves(
  engine: Engine,
  ctx: QueryContext,
  params: AnalysisParams,
): Promise<WavesAnalysis> {
  const g = params.granularity;
  const filtered = hasSegments(ctx);
  const inSegment = Boolean(params.detectInSegment);
  const whole = wholeData(ctx);
  const sAll = await series(engine, whole, g, 'signups');
  const sMine = filtered ? await series(engine, ctx, g, 'signups') : sAll;
  const signup = frameAndView(sAll, sMine, filtered, params.waves, g, ctx, inSegment);
  const start = surgeStart(signup.frame, params.surgeStart);
  const surgeUtcMs = start === null ? null : labelToUtcMs(start, ctx.tz);
  const kind = params.series ?? 'signups';
  let waves = signup.view;
  if (kind !== 'signups') {
    const kAll = await series(engine, whole, g, kind, surgeUtcMs);
    const kMine = filtered ? await series(engine, ctx, g, kind, surgeUtcMs) : kAll;
    waves = frameAndView(kAll, kMine, filtered, params.waves, g, ctx, inSegment).view;
  }
  // The date range narrows what is counted (the chart zooms into it); the frame stays.
  const { from, to } = ctx.filters;
  const inRange = (label: string) =>
    (!from || label.slice(0, 10) >= from) && (!to || label.slice(0, 10) <= to);
  return {
    signups: sMine.points.filter((p) => inRange(p.bucket_start)),
    waves,
    frame: signup.frame,
    surgeStart: start,
    surgeUtcMs,
    allSignups: sAll,
  };
}

/** Content mix per bucket and its drift from the baseline mix (mix.csv, drift.csv). */
export async function runMix(
  engine: Engine,
  ctx: QueryContext,
  params: AnalysisParams,
  w: WavesAnalysis,
): Promise<Pick<Analysis, 'mix' | 'drift'>> {
  const g = params.granularity;
  const mix = await contentMix(engine, ctx, g, w.surgeUtcMs);
  const sAll = w.allSignups;
  const window = baselineWindow(sAll.points, params.waves, coverageOf(sAll.dataStart, ctx, g));
  // The baseline mix ignores the date range: it is the reference every bucket is compared with.
  const unranged = { ...ctx, filters: { ...ctx.filters, from: null, to: null } };
  const base = w.frame?.baseline ?? window;
  const baselineMix = base ? await windowMix(engine, unranged, base) : [];
  return { mix, drift: driftFromMix(mix, baselineMix) };
}

/** The retention triangle and the wave groups' curves (retention.csv, retention_groups.csv). */
export async function runRetention(
  engine: Engine,
  ctx: QueryContext,
  params: AnalysisParams,
  w: WavesAnalysis,
): Promise<Pick<Analysis, 'retention' | 'groups'>> {
  // The triangle and the wave-group curves share one pass over the posts.
  const spans = groupSpans(w.frame, w.surgeStart, params.granularity, ctx.tz);
  const groupDim = { kind: 'group' as const, spans };
  const retBase = ctx.cubes
    ? undefined
    : await materializeRetention(engine, ctx, params.cohort, groupDim);
  const cells = await retention(engine, ctx, params.cohort, retBase);
  const groups = withIntervals(
    await curves(engine, ctx, params.cohort, groupDim, retBase),
    groupNames(spans),
  );
  return { retention: cells, groups };
}

export async function runAnalysis(
  engine: Engine,
  ctx: QueryContext,
  params: AnalysisParams,
): Promise<Analysis> {
  const w = await runWaves(engine, ctx, params);
  return {
    signups: w.signups,
    waves: w.waves,
    frame: w.frame,
    surgeStart: w.surgeStart,
    ...(await runMix(engine, ctx, params, w)),
    ...(await runRetention(engine, ctx, params, w)),
  };
}
