/**
 * The Content mix view's queries: the whole data's category ranking (which fixes each
 * category's colour), the mix per bucket and group, and the category shares of the baseline,
 * surge and movers windows. Every key names all of its inputs.
 */
import { useMemo } from 'react';
import type { FrameInForce } from '../../hooks/use-analysis.ts';
import { ctxKey } from '../../hooks/use-analysis.ts';
import { withCubes } from '../../hooks/cube-session.ts';
import { useQuery } from '../../hooks/use-query.ts';
import type { QueryResult } from '../../hooks/use-query.ts';
import { wholeData } from '../../metrics/analysis.ts';
import { contentMix, windowMix } from '../../metrics/mix.ts';
import type { CategoryShare, MixRow } from '../../metrics/mix.ts';
import type { Granularity, QueryContext } from '../../metrics/params.ts';
import { categoryColors, rankCategories } from '../../charts/category-colors.ts';
import { defaultMoversWindow, wholeDataWindow } from '../../charts/mix-buckets.ts';

export interface Window {
  from: string;
  to: string;
}

/** The mix rows with what they were computed for (a stale result keeps its own granularity). */
export interface MixData {
  g: Granularity;
  surgeUtcMs: number | null;
  rows: MixRow[];
}

export interface CategoryRanking {
  result: QueryResult<CategoryShare[]>;
  /** Categories by posts over the whole data, largest first (empty until known). */
  ranked: string[];
  /** The colour of a category for this data; null = "Other". */
  colorOf: (category: string | null) => string;
}

/** Posts per category over the whole data (no filters, no date range): ranks and colours. */
export function useCategoryRanking(ctx: QueryContext): CategoryRanking {
  const whole = useMemo(() => wholeData(ctx), [ctx]);
  const win = wholeDataWindow(whole);
  const result = useQuery(`mix-rank:${ctxKey(whole)}:${win.from}:${win.to}`, async (engine) =>
    windowMix(engine, await withCubes(engine, whole), win),
  );
  const ranked = useMemo(() => rankCategories(result.data ?? []), [result.data]);
  const colorOf = useMemo(() => categoryColors(ranked), [ranked]);
  return { result, ranked, colorOf };
}

/** Category shares of all posts in a date window (segments apply; the date range does not). */
function useWindowMix(unranged: QueryContext, win: Window | null, enabled: boolean) {
  return useQuery(
    `mix-window:${ctxKey(unranged)}:${win?.from}:${win?.to}`,
    async (engine) => windowMix(engine, await withCubes(engine, unranged), win as Window),
    enabled && win !== null && win.from <= win.to,
  );
}

export interface MixQueries {
  mix: QueryResult<MixData>;
  /** The baseline window of the frame in force, and its category shares. */
  baselineWindow: Window | null;
  baseline: QueryResult<CategoryShare[]>;
  /** The surge window (first wave, else the last 14 days), for the default categories. */
  surgeWindow: Window;
  surge: QueryResult<CategoryShare[]>;
  /** The movers window in force (the state's dates, else the surge window). */
  moversWindow: Window;
  movers: QueryResult<CategoryShare[]>;
}

export function useMixQueries(
  ctx: QueryContext,
  frame: FrameInForce,
  moversFrom: string | null,
  moversTo: string | null,
): MixQueries {
  const ready = !frame.pending;
  // The mix and its windows are for the frame's granularity: while the frame for a new one is
  // computed they stay the last frame's (cached), instead of asking for the new granularity
  // with the old surge start and asking again when the new frame is in.
  const { granularity: g, surgeUtcMs, frame: inForce } = frame;
  const mix = useQuery(
    `mix:${ctxKey(ctx)}:${g}:${surgeUtcMs}`,
    async (engine): Promise<MixData> => ({
      g,
      surgeUtcMs,
      rows: await contentMix(engine, await withCubes(engine, ctx), g, surgeUtcMs),
    }),
    ready,
  );
  // Windows set their own dates, so the date range is not part of them (segments are).
  const unranged = useMemo(
    () => ({ ...ctx, filters: { ...ctx.filters, from: null, to: null } }),
    [ctx],
  );
  const base = inForce?.baseline;
  const baselineWindow = base ? { from: base.from, to: base.to } : null;
  const surgeWindow = defaultMoversWindow(inForce, ctx, g);
  const moversWindow = { from: moversFrom ?? surgeWindow.from, to: moversTo ?? surgeWindow.to };
  const baseline = useWindowMix(unranged, baselineWindow, ready);
  const surge = useWindowMix(unranged, surgeWindow, ready);
  const movers = useWindowMix(unranged, moversWindow, ready);
  return { mix, baselineWindow, baseline, surgeWindow, surge, moversWindow, movers };
}
