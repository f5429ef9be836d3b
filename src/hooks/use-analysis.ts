/** Hooks that turn the view state into metric results, shared by every view. */
import { useMemo } from 'react';
import { loadContext } from '../metrics/context.ts';
import type { QueryContext } from '../metrics/params.ts';
import { signupSeries } from '../metrics/signups.ts';
import { detectWaves, surgeStart } from '../metrics/waves.ts';
import type { ViewState } from '../state/view-state.ts';
import { useQuery } from './use-query.ts';

/** The query context for the loaded data and the state's zone and filters. */
export function useContext(state: ViewState, version: number) {
  const key = `ctx:${version}:${state.tz}:${state.from}:${state.to}:${JSON.stringify(state.filters)}`;
  return useQuery(
    key,
    async (engine) => {
      const ctx = await loadContext(engine, state.tz, {
        from: state.from,
        to: state.to,
        segments: state.filters,
      });
      if (!ctx) return null;
      // Filters naming columns the data does not have are dropped here, not sent to SQL.
      const segments = state.filters.filter((f) => ctx.schema[f.table].includes(f.column));
      return { ...ctx, filters: { ...ctx.filters, segments } };
    },
    version > 0,
  );
}

export function ctxKey(ctx: QueryContext): string {
  return `${ctx.tz}:${ctx.range.minMs}:${ctx.range.maxMs}:${ctx.filters.from}:${ctx.filters.to}:${JSON.stringify(ctx.filters.segments)}`;
}

/** Signup series and waves for the current state. Waves use the whole range, not the brush. */
export function useWaves(ctx: QueryContext | null | undefined, state: ViewState) {
  const unranged = ctx ? { ...ctx, filters: { ...ctx.filters, from: null, to: null } } : null;
  const series = useQuery(
    `series:${unranged ? ctxKey(unranged) : ''}:${state.granularity}`,
    (engine) => signupSeries(engine, unranged as QueryContext, state.granularity),
    Boolean(unranged),
  );
  const settings = useMemo(
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
  const waves = useMemo(
    () => (series.data ? detectWaves(series.data, settings) : null),
    [series.data, settings],
  );
  const start = surgeStart(waves, state.surgeStart);
  return { series, waves, settings, surgeStart: start };
}
