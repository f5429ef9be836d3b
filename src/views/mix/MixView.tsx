/**
 * Content mix and drift: category shares per author group as small multiples on one time axis,
 * the drift of each group's mix from the baseline below them, and the top movers between the
 * baseline and a window (metrics.md "Content mix and drift"). Each category keeps one colour for
 * the data (its rank in posts over the whole data); the analyst picks the categories drawn and
 * everything else is "Other".
 */
import { ViewControls } from '../../components/ViewControls.tsx';
import { StagedList } from '../../hooks/use-stage.tsx';
import { sameFields, useSettled } from '../../hooks/use-settled.ts';
import { useMemo } from 'react';
import { useFrame } from '../../hooks/use-analysis.ts';
import { driftFromMix, topMovers } from '../../metrics/drift.ts';
import { AUTHOR_GROUPS } from '../../metrics/params.ts';
import type { AuthorGroup } from '../../metrics/params.ts';
import type { ViewState } from '../../state/view-state.ts';
import { formatBucket, numberFormat } from '../../format/format.ts';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { driftTable } from '../../charts/chart-data.ts';
import { DriftChart } from '../../charts/DriftChart.tsx';
import { MixMultiple } from './MixMultiple.tsx';
import {
  DEFAULT_TOP,
  GROUP_LABELS,
  binMixRows,
  completeBefore,
  defaultCategories,
  driftPoints,
  inRankOrder,
  lastCompleteDrift,
  mixAxis,
  notesOnAxis,
  pivotMix,
} from '../../charts/mix-buckets.ts';
import { DateField } from '../../components/fields.tsx';
import { describeFilters } from '../../share/chart-export.ts';
import { DataTable } from '../../tables/DataTable.tsx';
import { moverColumns } from '../../tables/movers-columns.ts';
import { Status } from '../Status.tsx';
import type { ViewProps } from '../view-props.ts';
import { CategoryPicker, MAX_NAME } from './CategoryPicker.tsx';
import type { CategoryOption } from './CategoryPicker.tsx';
import { MixLegend } from './MixLegend.tsx';
import { useCategoryRanking, useMixQueries } from './use-mix-data.ts';
import './mix.css';

const POSSESSIVE: Record<AuthorGroup, string> = {
  all: "All authors'",
  new: "Newcomers'",
  existing: "Existing authors'",
};

const twoDigits = numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The author groups there are when no surge start is known: nobody is a newcomer. */
const WITHOUT_NEWCOMERS: readonly AuthorGroup[] = ['all', 'existing'];

export function MixView(props: ViewProps) {
  const { ctx, state, update } = props;
  const g = state.granularity;
  const frame = useFrame(ctx, state);
  const ranking = useCategoryRanking(ctx);
  const { ranked, colorOf } = ranking;
  const q = useMixQueries(ctx, frame, state.moversFrom, state.moversTo);
  const { mix, baseline, surge, movers } = q;
  const rows = mix.data?.rows;

  // The categories drawn: the state's (those this data has), else the default union.
  const defaults = useMemo(() => {
    if (!baseline.data || !surge.data) return null;
    const union = defaultCategories(baseline.data, surge.data);
    return union.length > 0 ? union : ranked.slice(0, 2 * DEFAULT_TOP);
  }, [baseline.data, surge.data, ranked]);
  const known = useMemo(() => new Set(ranked), [ranked]);
  const fromState = state.mixCategories;
  // The same categories keep their array: new windows with the same defaults redraw nothing.
  const chosen = useSettled(
    useMemo(() => {
      const raw = fromState ?? defaults;
      if (!raw || !ranking.result.data) return null;
      return inRankOrder(
        raw.filter((c) => known.has(c)),
        ranked,
      );
    }, [fromState, defaults, known, ranked, ranking.result.data]),
    true,
  );
  const unknown = fromState ? fromState.filter((c) => !known.has(c)).length : 0;

  const axis = useMemo(() => (mix.data ? mixAxis(mix.data.rows, mix.data.g) : null), [mix.data]);
  const pivot = useMemo(
    () => (rows && axis && chosen ? pivotMix(rows, chosen, axis) : null),
    [rows, axis, chosen],
  );
  const notes = useMemo(
    () => (axis ? notesOnAxis(axis, state.annotations) : []),
    [axis, state.annotations],
  );
  const drift = useMemo(
    () => (rows && baseline.data ? driftFromMix(rows, baseline.data) : null),
    [rows, baseline.data],
  );
  const drawnDrift = useMemo(() => {
    if (!rows || !axis || !baseline.data || !drift) return null;
    // Binned points get the divergence of their summed mix, like the areas above them.
    const binned = axis.step === 1 ? drift : driftFromMix(binMixRows(rows, axis), baseline.data);
    return driftPoints(binned, axis);
  }, [rows, axis, baseline.data, drift]);
  const dataG = mix.data?.g ?? g;
  const moverRows = useMemo(
    () => (baseline.data && movers.data ? topMovers(baseline.data, movers.data) : null),
    [baseline.data, movers.data],
  );
  const moverCols = useMemo(() => moverColumns(colorOf), [colorOf]);

  // Posts per category in the charts' filters and range, for the picker; every category listed.
  const options = useMemo<CategoryOption[]>(() => {
    const inView = new Map<string, number>();
    for (const r of rows ?? [])
      if (r.group === 'all')
        inView.set(r.category, (inView.get(r.category) ?? 0) + Number(r.posts));
    const order = new Map(ranked.map((c, i) => [c, i]));
    return ranked
      .map((category) => ({ category, posts: inView.get(category) ?? 0 }))
      .sort(
        (a, b) => b.posts - a.posts || (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0),
      );
  }, [rows, ranked]);

  const hasSurge = mix.data ? mix.data.surgeUtcMs !== null : frame.surgeStart !== null;
  const groups = hasSurge ? AUTHOR_GROUPS : WITHOUT_NEWCOMERS;
  const base = q.baselineWindow;
  const win = q.moversWindow;
  const winValid = win.from <= win.to;
  // Without a surge start there are no newcomers: the summary speaks for all authors then.
  const group: AuthorGroup = !hasSurge && state.group === 'new' ? 'all' : state.group;
  const groupLabel = GROUP_LABELS[group];
  const latest = drift ? lastCompleteDrift(drift, group, completeBefore(ctx, dataG)) : null;
  const loadingMix =
    frame.pending ||
    frame.stale ||
    mix.isLoading ||
    ranking.result.isLoading ||
    (fromState === null && (baseline.isLoading || surge.isLoading));
  // The multiples draw once per input, when the mix and the categories for it are both in.
  const shown = useSettled({ pivot, axis, notes }, !loadingMix, sameFields);
  const { pivot: drawnPivot, axis: drawnAxis } = shown;
  const mixError = frame.all.error ?? frame.mine.error ?? mix.error ?? ranking.result.error ?? null;
  const defaultsError = fromState === null ? (baseline.error ?? surge.error) : null;
  const surgeSource = `${state.tz}, ${state.surgeStart ? 'set by hand' : "the first wave's start"}${frame.inSegment ? ', detected in this segment' : ''}`;
  const driftGroups = useMemo(
    () => drawnDrift?.groups.filter((grp) => hasSurge || grp !== 'new') ?? [],
    [drawnDrift, hasSurge],
  );
  const driftData = useMemo(
    () => (drawnDrift && axis ? driftTable(axis, drawnDrift.points, driftGroups) : null),
    [drawnDrift, axis, driftGroups],
  );
  // The Authors line of the filters names the group each chart shows (none for the drift chart).
  const filtersFor = (grp: AuthorGroup | null) =>
    grp ? describeFilters({ ...state, group: grp }) : describeFilters({ ...state, view: 'data' });

  return (
    <section aria-labelledby="mix-title" className="view mix-view">
      <h2 id="mix-title">Content mix and drift</h2>
      <ViewControls label="Mix settings">
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
      </ViewControls>
      <p className="summary" data-testid="surge-summary">
        {frame.pending ? (
          'Finding the surge start…'
        ) : frame.surgeStart ? (
          <>
            Surge start in force:{' '}
            <strong data-testid="surge-start">{formatBucket(frame.surgeStart)}</strong> (
            {surgeSource}); authors who signed up at or after it count as newcomers, everyone else
            (authors missing from the signups included) as existing authors.
          </>
        ) : (
          <>
            No surge start: no wave was detected and none is set, so every author counts as an
            existing author. Only all and existing authors are shown.
          </>
        )}
      </p>

      {ranking.result.data && chosen && (
        <details className="category-picker-details">
          <summary>
            Categories: {chosen.length} shown of {ranked.length}
            {fromState === null ? ' (default)' : ''}, the rest as Other
          </summary>
          <CategoryPicker
            options={options}
            chosen={chosen}
            isDefault={fromState === null}
            colorOf={colorOf}
            onChange={(next) =>
              update(
                {
                  mixCategories:
                    next === null
                      ? null
                      : inRankOrder(
                          next.filter((c) => c.length <= MAX_NAME),
                          ranked,
                        ),
                },
                next !== null,
              )
            }
          />
        </details>
      )}
      {unknown > 0 && (
        <p className="notice" role="status">
          {unknown === 1 ? 'One chosen category is' : `${unknown} chosen categories are`} not in
          this data and {unknown === 1 ? 'is' : 'are'} left out.
        </p>
      )}

      <h3>Category shares by author group</h3>
      <Status
        isLoading={loadingMix}
        hasData={Boolean(pivot)}
        error={mixError ?? defaultsError}
        empty={rows?.length === 0}
        emptyText="No posts match these filters."
      >
        {drawnPivot && drawnAxis && (
          <>
            <MixLegend series={drawnPivot.series} colorOf={colorOf} />
            <div className="mix-multiples" data-columns={groups.length}>
              {/* The multiples, then the drift chart, draw one per task (use-stage.tsx). */}
              <StagedList
                stageKey={drawnPivot}
                height={300}
                items={groups.map((grp) => ({
                  key: grp,
                  node: (
                    <MixMultiple
                      group={grp}
                      axis={drawnAxis}
                      points={drawnPivot.groups[grp]}
                      series={drawnPivot.series}
                      colorOf={colorOf}
                      notes={shown.notes}
                      filters={filtersFor(grp)}
                      busy={loadingMix}
                    />
                  ),
                }))}
              />
            </div>
          </>
        )}
      </Status>

      <h3>Drift from the baseline</h3>
      <Status
        isLoading={frame.pending || mix.isLoading || baseline.isLoading}
        hasData={Boolean(drawnDrift)}
        error={mixError ?? baseline.error}
        empty={!base || baseline.data?.length === 0 || drift?.length === 0}
        emptyText={
          !base
            ? 'No baseline window: no signups are loaded.'
            : baseline.data?.length === 0
              ? `The baseline window (${base.from} to ${base.to}) holds no posts, so there is nothing to compare with.`
              : 'No posts match these filters.'
        }
      >
        <fieldset className="segment-filter">
          <legend>Summary for</legend>
          {AUTHOR_GROUPS.map((grp) => (
            <label key={grp}>
              <input
                type="radio"
                name="mix-group"
                value={grp}
                checked={group === grp}
                disabled={grp === 'new' && !hasSurge}
                onChange={() => update({ group: grp })}
              />{' '}
              {GROUP_LABELS[grp]}
            </label>
          ))}
        </fieldset>
        <p className="summary" data-testid="drift-summary">
          {latest ? (
            <>
              {POSSESSIVE[group]} mix in the last complete bucket (
              {formatBucket(latest.bucket_start, dataG)}) diverges{' '}
              <strong data-testid="drift-latest">{twoDigits.format(latest.jsd)}</strong> from the
              baseline
            </>
          ) : (
            <>No complete bucket has posts by {groupLabel} to compare with the baseline</>
          )}{' '}
          (posts from {base?.from} to {base?.to}; 0 = the same mix, 1 = no category in common).
        </p>
        {drawnDrift && axis && (
          <ChartFrame
            title="Drift from the baseline"
            filters={filtersFor(null)}
            fileName="drift"
            ariaLabel="Drift of each author group's mix from the baseline mix (JSD) over time"
            busy={mix.isLoading || baseline.isLoading}
            table={driftData}
          >
            <StagedList
              stageKey={drawnPivot}
              after={groups.length}
              height={260}
              items={[
                {
                  key: 'drift',
                  node: (
                    <DriftChart
                      axis={axis}
                      points={drawnDrift.points}
                      groups={driftGroups}
                      notes={notes}
                    />
                  ),
                },
              ]}
            />
          </ChartFrame>
        )}
      </Status>

      <h3>Top movers</h3>
      <ViewControls label="Movers window">
        <DateField
          label="Movers from"
          value={win.from}
          onChange={(v) => update({ moversFrom: v })}
        />
        <DateField label="Movers to" value={win.to} onChange={(v) => update({ moversTo: v })} />
        {state.moversFrom || state.moversTo ? (
          <button type="button" onClick={() => update({ moversFrom: null, moversTo: null })}>
            Reset window
          </button>
        ) : (
          <span className="muted">
            {frame.frame?.waves[0]
              ? "Default: the first wave's dates."
              : 'Default: the last 14 days of data.'}
          </span>
        )}
      </ViewControls>
      {!winValid ? (
        <p role="alert" className="error">
          The movers window starts after it ends.
        </p>
      ) : (
        <Status
          isLoading={frame.pending || baseline.isLoading || movers.isLoading}
          hasData={Boolean(moverRows)}
          error={baseline.error ?? movers.error}
          empty={movers.data?.length === 0}
          emptyText={`No posts from ${win.from} to ${win.to}.`}
        >
          <DataTable
            caption={`Category share change from the baseline (${base?.from} to ${base?.to}) to ${win.from} to ${win.to}`}
            columns={moverCols}
            data={moverRows ?? []}
            csvName={`movers-${win.from}-${win.to}.csv`}
            testId="movers-table"
          />
        </Status>
      )}
    </section>
  );
}
