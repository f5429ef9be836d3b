/** Content-mix drift: category shares per author group, drift from the baseline, top movers. */
import { useMemo } from 'react';
import { driftFromMix, topMovers } from '../../metrics/drift.ts';
import { contentMix, windowMix } from '../../metrics/mix.ts';
import { ensureMixCube } from '../../metrics/mix-cube.ts';
import { AUTHOR_GROUPS } from '../../metrics/params.ts';
import type { AuthorGroup } from '../../metrics/params.ts';
import { baselineWindow } from '../../metrics/waves.ts';
import type { ViewState } from '../../state/view-state.ts';
import { ctxKey, useWaves } from '../../app/use-analysis.ts';
import { useQuery } from '../../app/use-query.ts';
import { MixAreaChart, pivotMix } from '../../charts/MixAreaChart.tsx';
import {
  DriftChart,
  GROUP_LABELS,
  lastCompleteDrift,
  pivotDrift,
} from '../../charts/DriftChart.tsx';
import { completeBefore, defaultMoversWindow } from '../../charts/mix-buckets.ts';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { describeFilters } from '../../share/chart-export.ts';
import { MOVER_COLUMNS } from '../../tables/movers-columns.ts';
import { DataTable } from '../../tables/DataTable.tsx';
import { Status } from '../Status.tsx';
import { SignupsStatus } from '../SignupsStatus.tsx';
import type { ViewProps } from '../view-props.ts';

const POSSESSIVE: Record<AuthorGroup, string> = {
  all: "All authors'",
  new: "Newcomers'",
  existing: "Existing authors'",
};

export function MixView(props: ViewProps) {
  const { ctx, state, update } = props;
  const g = state.granularity;
  const { series, waves, settings, surgeStart } = useWaves(ctx, state);
  // The baseline and movers windows set their own dates, so the date range is not part of them.
  const unranged = useMemo(
    () => ({ ...ctx, filters: { ...ctx.filters, from: null, to: null } }),
    [ctx],
  );
  const ready = Boolean(series.data) && !series.isLoading;
  const base = series.data ? baselineWindow(series.data, settings) : null;
  const fallback = defaultMoversWindow(waves, ctx, g);
  const win = { from: state.moversFrom ?? fallback.from, to: state.moversTo ?? fallback.to };
  const winValid = win.from <= win.to;

  const mix = useQuery(
    `mix:${ctxKey(ctx)}:${g}:${surgeStart}`,
    async (engine) =>
      contentMix(engine, ctx, g, surgeStart, await ensureMixCube(engine, ctx, surgeStart)),
    ready,
  );
  const baseline = useQuery(
    `mix-window:${ctxKey(unranged)}:${base?.from}:${base?.to}`,
    async (engine) =>
      windowMix(
        engine,
        unranged,
        base as { from: string; to: string },
        await ensureMixCube(engine, unranged, surgeStart),
      ),
    ready && base !== null,
  );
  const moversWin = useQuery(
    `mix-window:${ctxKey(unranged)}:${win.from}:${win.to}`,
    async (engine) =>
      windowMix(engine, unranged, win, await ensureMixCube(engine, unranged, surgeStart)),
    ready && winValid,
  );

  const pivot = useMemo(
    () => (mix.data ? pivotMix(mix.data, state.group) : null),
    [mix.data, state.group],
  );
  const drift = useMemo(
    () => (mix.data && baseline.data ? driftFromMix(mix.data, baseline.data) : null),
    [mix.data, baseline.data],
  );
  const driftPivot = useMemo(() => (drift ? pivotDrift(drift) : null), [drift]);
  const latest = drift ? lastCompleteDrift(drift, state.group, completeBefore(ctx, g)) : null;
  const movers = useMemo(
    () => (baseline.data && moversWin.data ? topMovers(baseline.data, moversWin.data) : null),
    [baseline.data, moversWin.data],
  );
  const groupLabel = GROUP_LABELS[state.group];

  return (
    <section aria-labelledby="mix-title" className="view">
      <h2 id="mix-title">Content-mix drift</h2>
      <div className="controls" role="group" aria-label="Mix settings">
        <label>
          Granularity{' '}
          <select
            value={g}
            onChange={(e) => update({ granularity: e.target.value as ViewState['granularity'] })}
          >
            <option value="hour">hour</option>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <fieldset className="segment-filter">
          <legend>Author group</legend>
          {AUTHOR_GROUPS.map((grp) => (
            <label key={grp}>
              <input
                type="radio"
                name="mix-group"
                value={grp}
                checked={state.group === grp}
                onChange={() => update({ group: grp })}
              />{' '}
              {GROUP_LABELS[grp]}
            </label>
          ))}
        </fieldset>
      </div>
      <SignupsStatus series={series}>
        <p className="summary" data-testid="surge-summary">
          {surgeStart ? (
            <>
              Surge start in force:{' '}
              <strong data-testid="surge-start">{surgeStart.replace('T', ' ')}</strong> (
              {state.surgeStart ? 'set in the link' : "the first wave's start"}). Authors who signed
              up at or after it count as newcomers.
            </>
          ) : (
            'No wave detected, so every author counts as existing.'
          )}
        </p>
      </SignupsStatus>

      <h3>Category shares, {groupLabel}</h3>
      <Status
        isLoading={mix.isLoading || series.isLoading}
        hasData={Boolean(mix.data)}
        error={mix.error}
        empty={mix.data?.length === 0 || pivot?.buckets.length === 0}
        emptyText={
          mix.data?.length === 0
            ? 'No posts match these filters.'
            : !surgeStart && state.group === 'new'
              ? 'With no surge start there are no newcomers; choose all or existing authors.'
              : `No posts by ${groupLabel} match these filters.`
        }
      >
        {pivot && (
          <ChartFrame
            title={`Category shares, ${groupLabel}`}
            filters={describeFilters(state)}
            fileName={`category-shares-${state.group}`}
            ariaLabel={`Category shares of posts by ${groupLabel}`}
          >
            <MixAreaChart pivot={pivot} />
          </ChartFrame>
        )}
      </Status>

      <h3>Drift from the baseline</h3>
      <Status
        isLoading={mix.isLoading || baseline.isLoading || series.isLoading}
        hasData={Boolean(drift)}
        error={mix.error ?? baseline.error}
        empty={baseline.data?.length === 0 || drift?.length === 0}
        emptyText={
          baseline.data?.length === 0
            ? `The baseline window (${base?.from} to ${base?.to}) holds no posts, so there is nothing to compare with.`
            : 'No posts match these filters.'
        }
      >
        <p className="summary" data-testid="drift-summary">
          {latest ? (
            <>
              {POSSESSIVE[state.group]} mix in the last complete bucket (
              {latest.bucket_start.replace('T', ' ')}) diverges{' '}
              <strong data-testid="drift-latest">{latest.jsd.toFixed(2)}</strong> from the baseline
            </>
          ) : (
            <>No complete bucket has posts by {groupLabel} to compare with the baseline</>
          )}{' '}
          (posts from {base?.from} to {base?.to}; 0 = the same mix, 1 = no category in common).
        </p>
        {driftPivot && (
          <ChartFrame
            title="Drift from the baseline"
            filters={describeFilters(state)}
            fileName="drift"
            ariaLabel="Drift from the baseline mix (JSD) by author group"
          >
            <DriftChart points={driftPivot.points} groups={driftPivot.groups} />
          </ChartFrame>
        )}
      </Status>

      <h3>Top movers</h3>
      <div className="controls" role="group" aria-label="Movers window">
        <label>
          Movers from{' '}
          <input
            type="date"
            value={win.from}
            onChange={(e) => update({ moversFrom: e.target.value || null })}
          />
        </label>
        <label>
          Movers to{' '}
          <input
            type="date"
            value={win.to}
            onChange={(e) => update({ moversTo: e.target.value || null })}
          />
        </label>
        {(state.moversFrom || state.moversTo) && (
          <button type="button" onClick={() => update({ moversFrom: null, moversTo: null })}>
            Reset window
          </button>
        )}
        {!state.moversFrom && !state.moversTo && (
          <span className="muted">
            {waves?.waves[0] ? 'Default: the first wave.' : 'Default: the last 14 days of data.'}
          </span>
        )}
      </div>
      {!winValid ? (
        <p role="alert" className="error">
          The movers window starts after it ends.
        </p>
      ) : (
        <Status
          isLoading={baseline.isLoading || moversWin.isLoading || series.isLoading}
          hasData={Boolean(movers)}
          error={baseline.error ?? moversWin.error}
          empty={moversWin.data?.length === 0}
          emptyText={`No posts from ${win.from} to ${win.to}.`}
        >
          <DataTable
            caption={`Category share change from the baseline (${base?.from} to ${base?.to}) to ${win.from} to ${win.to}`}
            columns={MOVER_COLUMNS}
            data={movers ?? []}
            csvName={`movers-${win.from}-${win.to}.csv`}
            testId="movers-table"
          />
        </Status>
      )}
    </section>
  );
}
