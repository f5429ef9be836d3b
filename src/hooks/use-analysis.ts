/**
 * Hooks that turn the view state into metric results, shared by every view. The frame of the
 * surge (baseline window, waves, surge start) comes from the whole data's signups at the chosen
 * granularity; filters only change what is counted inside it (metrics.md "Filters and the frame
 * of the surge"), unless the analyst asks to detect waves in the segment.
 */
import { useMemo } from 'react';
import { wholeData } from '../metrics/analysis.ts';
import { contextOf, loadData } from '../metrics/context.ts';
import type { LoadedData } from '../metrics/context.ts';
import type { Engine } from '../db/engine.ts';
import { coverageOf, groupSpans } from '../metrics/frame.ts';
import type { GroupSpans } from '../metrics/frame.ts';
import { labelToUtcMs } from '../metrics/labels.ts';
import type { QueryContext, SeriesKind, WaveSettings } from '../metrics/params.ts';
import { series } from '../metrics/series.ts';
import type { Series } from '../metrics/series.ts';
import { applyFrame, detectWaves, surgeStart } from '../metrics/waves.ts';
import type { Coverage, WaveResult } from '../metrics/waves.ts';
import type { ViewState } from '../state/view-state.ts';
import { withCubes } from './cube-session.ts';
import { useQuery } from './use-query.ts';
import { useSettled } from './use-settled.ts';
import { onConnectionChange } from '../db/clickhouse-connection.ts';
import type { QueryResult } from './use-query.ts';

/**
 * The loaded data's range and columns, read once per engine and data version: a filter or a
 * date range does not change them, and asking again put five round trips to the worker (one
 * of them a min/max over every post, 50-130 ms at scale 50) before every filtered redraw. Once
 * read, the value is kept too, so a filter or a date range builds its context in the render
 * that takes the input (`contextNow`): the view draws once with its new state instead of once
 * with the old context and again when the new one arrives.
 */
let loaded: {
  engine: Engine;
  version: number;
  data: Promise<LoadedData | null>;
  value?: LoadedData | null;
} | null = null;
onConnectionChange(() => {
  loaded = null;
});

export function loadedData(engine: Engine, version: number): Promise<LoadedData | null> {
  if (loaded && loaded.engine === engine && loaded.version === version) return loaded.data;
  const slot: NonNullable<typeof loaded> = { engine, version, data: loadData(engine) };
  loaded = slot;
  slot.data.then(
    (value) => {
      slot.value = value;
    },
    // A failure is not kept: the next ask tries again.
    () => {
      if (loaded === slot) loaded = null;
    },
  );
  return slot.data;
}

/** Filters naming columns the data does not have are dropped here, not sent to SQL. */
function stateContext(engine: Engine, data: LoadedData, state: ViewState): QueryContext {
  const segments = state.filters.filter((f) => data.schema[f.table].includes(f.column));
  // Pre-aggregates are looked up by each query (cube-session.ts).
  return contextOf(engine, data, state.tz, { from: state.from, to: state.to, segments }, null);
}

/** The context for the state now, when this version's data has been read already. */
export function contextNow(state: ViewState, version: number): QueryContext | null {
  const slot = loaded;
  if (!slot?.value || slot.version !== version) return null;
  return stateContext(slot.engine, slot.value, state);
}

/** The query context for the loaded data and the state's zone and filters. */
export function useQueryContext(state: ViewState, version: number) {
  const key = `ctx:${version}:${state.tz}:${state.from}:${state.to}:${JSON.stringify(state.filters)}`;
  return useQuery(
    key,
    async (engine) => {
      const data = await loadedData(engine, version);
      return data && stateContext(engine, data, state);
    },
    version > 0,
    false,
    () => contextNow(state, version) ?? undefined,
  );
}

/** A cache key for everything a query's result depends on in the context (not its cubes). */
export function ctxKey(ctx: QueryContext): string {
  return `${ctx.tz}:${ctx.range.minMs}:${ctx.range.maxMs}:${ctx.range.endMs}:${ctx.filters.from}:${ctx.filters.to}:${JSON.stringify(ctx.filters.segments ?? [])}`;
}

/** The state's wave settings (a stable object while they do not change). */
export function useWaveSettings(state: ViewState): WaveSettings {
  return useMemo(
    () => ({
      baseline:
        state.baselineFrom && state.baselineTo
          ? { from: state.baselineFrom, to: state.baselineTo }
          : null,
      madMultiplier: state.madMultiplier,
      medianMultiplier: state.medianMultiplier,
    }),
    [state.baselineFrom, state.baselineTo, state.madMultiplier, state.medianMultiplier],
  );
}

const hasSegments = (ctx: QueryContext) => (ctx.filters.segments ?? []).length > 0;

/** A series of the whole data and of the filtered data (the same query when unfiltered). */
function useSeriesPair(
  ctx: QueryContext,
  g: ViewState['granularity'],
  kind: SeriesKind,
  surgeUtcMs: number | null,
  enabled = true,
): { all: QueryResult<Series>; mine: QueryResult<Series> } {
  const whole = useMemo(() => wholeData(ctx), [ctx]);
  const surge = kind === 'newcomer_posts' ? surgeUtcMs : null;
  const all = useQuery(
    `series:${ctxKey(whole)}:${g}:${kind}:${surge}`,
    async (engine) => series(engine, await withCubes(engine, whole), g, kind, surge),
    enabled,
  );
  const unranged = useMemo(
    () => ({ ...ctx, filters: { ...ctx.filters, from: null, to: null } }),
    [ctx],
  );
  const filtered = hasSegments(ctx);
  const mine = useQuery(
    `series:${ctxKey(unranged)}:${g}:${kind}:${surge}`,
    async (engine) => series(engine, await withCubes(engine, unranged), g, kind, surge),
    enabled && filtered,
  );
  return { all, mine: filtered ? mine : all };
}

/** A frame (detected on one series) and a view (another series read through it). */
function frameAndView(
  all: Series | undefined,
  mine: Series | undefined,
  filtered: boolean,
  inSegment: boolean,
  settings: WaveSettings,
  g: ViewState['granularity'],
  ctx: QueryContext,
): { frame: WaveResult | null; view: WaveResult | null; coverage: Coverage | null } {
  if (!all || !mine) return { frame: null, view: null, coverage: null };
  const coverage = coverageOf(all.dataStart, ctx, g);
  const frame = detectWaves(inSegment ? mine.points : all.points, settings, g, coverage);
  const view =
    filtered && !inSegment && frame ? applyFrame(mine.points, frame, settings, coverage) : frame;
  return { frame, view, coverage };
}

export interface FrameInForce {
  all: QueryResult<Series>;
  mine: QueryResult<Series>;
  /** The signup frame in force (the whole data's, or the segment's when asked). */
  frame: WaveResult | null;
  /** The filtered signups read through the frame (own baseline statistics, own peaks). */
  view: WaveResult | null;
  coverage: Coverage | null;
  /** Detected on the segment (the switch is on and a segment filter applies). */
  inSegment: boolean;
  surgeStart: string | null;
  surgeUtcMs: number | null;
  spans: GroupSpans;
  settings: WaveSettings;
  /** The signup series are still being computed. */
  pending: boolean;
  /**
   * New signup series are being computed (a new granularity or filter): the frame above is the
   * last one, kept whole until they are in (not the old series read at the new granularity).
   */
  stale: boolean;
  /** The granularity the frame is for: the state's, once its series are in. */
  granularity: ViewState['granularity'];
}

/** The frame of the surge for the state's granularity and settings. */
export function useFrame(ctx: QueryContext, state: ViewState): FrameInForce {
  const settings = useWaveSettings(state);
  const g = state.granularity;
  const { all, mine } = useSeriesPair(ctx, g, 'signups', null);
  const filtered = hasSegments(ctx);
  const inSegment = filtered && state.detectInSegment;
  const stale = all.isLoading || mine.isLoading;
  // A new context (a date range) recomputes the frame: the same frame keeps its objects.
  const { frame, view, coverage, granularity } = useSettled(
    useMemo(
      () => ({
        ...frameAndView(all.data, mine.data, filtered, inSegment, settings, g, ctx),
        granularity: g,
      }),
      [all.data, mine.data, filtered, inSegment, settings, g, ctx],
    ),
    !stale,
  );
  const start = surgeStart(frame, state.surgeStart);
  const surgeUtcMs = useMemo(
    () => (start === null ? null : labelToUtcMs(start, ctx.tz)),
    [start, ctx.tz],
  );
  const spans = useMemo(
    () => groupSpans(frame, start, granularity, ctx.tz),
    [frame, start, granularity, ctx.tz],
  );
  return {
    all,
    mine,
    frame,
    view,
    coverage,
    inSegment,
    surgeStart: start,
    surgeUtcMs,
    spans,
    settings,
    pending: !all.data || !mine.data,
    stale,
    granularity,
  };
}

export interface ChartSeries {
  kind: SeriesKind;
  all: QueryResult<Series>;
  mine: QueryResult<Series>;
  /** This series' own frame (signups: the frame in force). */
  frame: WaveResult | null;
  view: WaveResult | null;
  coverage: Coverage | null;
}

/** The series the Waves chart draws, with its waves read through its own fixed frame. */
export function useChartSeries(ctx: QueryContext, state: ViewState, f: FrameInForce): ChartSeries {
  const kind = state.series;
  const other = kind !== 'signups';
  const pair = useSeriesPair(ctx, state.granularity, kind, f.surgeUtcMs, other);
  const filtered = hasSegments(ctx);
  const g = state.granularity;
  const { frame, view, coverage } = useSettled(
    useMemo(
      () =>
        other
          ? frameAndView(pair.all.data, pair.mine.data, filtered, f.inSegment, f.settings, g, ctx)
          : { frame: null, view: null, coverage: null },
      [other, pair.all.data, pair.mine.data, filtered, f.inSegment, f.settings, g, ctx],
    ),
    true,
  );
  if (!other)
    return { kind, all: f.all, mine: f.mine, frame: f.frame, view: f.view, coverage: f.coverage };
  return { kind, all: pair.all, mine: pair.mine, frame, view, coverage };
}
