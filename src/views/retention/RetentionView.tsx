/**
 * Cohort retention: average curves by wave group (or by a signup column's values) with Wilson
 * bands, the summary comparing wave groups, and the triangle whose ticked cohorts get their own
 * curves. Every query first makes sure the retention cube for the zone and cohort granularity
 * exists (retention-cube.ts), so mode, filter and breakdown changes stay fast.
 */
import { ViewControls } from '../../components/ViewControls.tsx';
import './retention.css';
import { useCallback, useMemo } from 'react';
import { RetentionCurves } from '../../charts/RetentionCurves.tsx';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { curvesTable } from '../../charts/chart-data.ts';
import { averageSeries, cohortSeries } from '../../charts/retention-curves-data.ts';
import { ctxKey, useFrame } from '../../hooks/use-analysis.ts';
import { useQuery } from '../../hooks/use-query.ts';
import { sameFields, useSettled } from '../../hooks/use-settled.ts';
import { bucketOfInstant, labelToUtcMs } from '../../metrics/labels.ts';
import type { CohortGranularity } from '../../metrics/params.ts';
import { curves, retention } from '../../metrics/retention.ts';
import { describeFilters } from '../../share/chart-export.ts';
import type { ViewState } from '../../state/view-state.ts';
import { RetentionTriangle } from '../../tables/RetentionTriangle.tsx';
import { periodZeroNote, periodZeroShortfall } from '../../tables/retention-cells.ts';
import { Status } from '../Status.tsx';
import type { ViewProps } from '../view-props.ts';
import { CurveTable } from './CurveTable.tsx';
import { RetentionSummary } from './RetentionSummary.tsx';
import { retentionContext, useRetentionPreparing } from '../../hooks/retention-cube.ts';

const MAX_COHORTS = 12;
/** Values of a breakdown column drawn on their own; the rest are merged into Other. */
const TOP_VALUES = 8;
const WAVE_GROUP = 'wave group';
const MODES: { value: ViewState['retentionMode']; label: string; hint: string }[] = [
  { value: 'on', label: 'On', hint: 'retained in period k: posted during period k' },
  { value: 'on_or_after', label: 'On or after', hint: 'posted in period k or any later period' },
];
const GRANULARITIES: CohortGranularity[] = ['day', 'week', 'month'];

export function RetentionView(props: ViewProps) {
  const { ctx, state, update } = props;
  const g = state.cohort;
  const mode = state.retentionMode;
  const frame = useFrame(ctx, state);
  const key = ctxKey(ctx);
  const preparing = useRetentionPreparing(ctx.tz, g);
  // A column named by a link but missing from the loaded signups is never sent to SQL.
  const column =
    state.retentionBy !== null && ctx.schema.signups.includes(state.retentionBy)
      ? state.retentionBy
      : null;

  // Results carry the inputs they were computed for: while a new result computes, the last one
  // stays on screen and must keep its own labels (granularity, frame, column).
  const triangle = useQuery(`retention-triangle:${key}:${g}`, async (engine) => ({
    g,
    cells: await retention(engine, await retentionContext(engine, ctx, g), g),
  }));
  const spans = frame.spans;
  const groups = useQuery(
    `retention-groups:${key}:${g}:${JSON.stringify(spans)}`,
    async (engine) => ({
      g,
      spans,
      rows: await curves(engine, await retentionContext(engine, ctx, g), g, {
        kind: 'group',
        spans,
      }),
    }),
    !frame.pending,
  );
  const values = useQuery(
    `retention-values:${key}:${g}:${column}:${TOP_VALUES}`,
    async (engine) => ({
      g,
      column: column ?? '',
      rows:
        column === null
          ? []
          : await curves(engine, await retentionContext(engine, ctx, g), g, {
              kind: 'segment',
              column,
              top: TOP_VALUES,
            }),
    }),
    column !== null,
  );

  const cells = triangle.data?.cells;
  const cellsG = triangle.data?.g ?? g;
  const groupCurves = useMemo(
    () =>
      groups.data
        ? averageSeries(groups.data.rows, { kind: 'group', spans: groups.data.spans }, mode)
        : null,
    [groups.data, mode],
  );
  const valueCurves = useMemo(
    () => (values.data ? averageSeries(values.data.rows, { kind: 'segment' }, mode) : null),
    [values.data, mode],
  );
  const averages = column === null ? groupCurves : valueCurves;
  const curvesG = (column === null ? groups.data?.g : values.data?.g) ?? cellsG;
  const by = column === null ? WAVE_GROUP : (values.data?.column ?? column);
  const chosen = useMemo(
    () => (cells && cellsG === curvesG ? cohortSeries(cells, state.cohorts, mode, cellsG) : []),
    [cells, cellsG, curvesG, state.cohorts, mode],
  );
  const series = useMemo(() => [...(averages ?? []), ...chosen], [averages, chosen]);
  const curvesData = useMemo(() => curvesTable(series, curvesG), [series, curvesG]);
  const lastBucketStart = useMemo(
    () => labelToUtcMs(bucketOfInstant(ctx.range.endMs, curvesG, ctx.tz), ctx.tz),
    [ctx.range.endMs, ctx.tz, curvesG],
  );
  const dataEnd = useMemo(
    () => bucketOfInstant(ctx.range.endMs, 'day', ctx.tz),
    [ctx.range.endMs, ctx.tz],
  );
  const shortfall = useMemo(() => (cells ? periodZeroShortfall(cells, mode) : null), [cells, mode]);
  const onSelectedChange = useCallback((cohorts: string[]) => update({ cohorts }), [update]);

  const present = useMemo(() => new Set(cells?.map((c) => c.cohort_start)), [cells]);
  const missingChosen = state.cohorts.filter((c) => !present.has(c)).length;
  const error =
    triangle.error ?? groups.error ?? values.error ?? frame.all.error ?? frame.mine.error;
  const busy =
    preparing || triangle.isLoading || groups.isLoading || values.isLoading || frame.pending;
  // The curves draw once per input, when the averages and the cohorts for it are both in.
  const drawn = useSettled({ series, granularity: curvesG }, !busy, sameFields);
  const filters = `${describeFilters(state)} · Curves by: ${by}`;
  const preparingText = `Preparing retention for ${g} cohorts (once per zone)…`;

  return (
    <section aria-labelledby="retention-title" className="view retention">
      <h2 id="retention-title">Cohort retention</h2>
      <ViewControls label="Retention settings">
        <div role="radiogroup" aria-labelledby="retention-mode-label" className="ret-modes">
          <span id="retention-mode-label">Retention mode:</span>
          {MODES.map((m) => (
            <label key={m.value} title={m.hint}>
              <input
                type="radio"
                name="retention-mode"
                value={m.value}
                checked={mode === m.value}
                onChange={() => update({ retentionMode: m.value })}
              />{' '}
              {m.label}
            </label>
          ))}
        </div>
        <label>
          Cohort granularity{' '}
          <select
            value={g}
            onChange={(e) => update({ cohort: e.target.value as CohortGranularity, cohorts: [] })}
          >
            {GRANULARITIES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          Curves by{' '}
          <select
            value={column ?? ''}
            onChange={(e) => update({ retentionBy: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">{WAVE_GROUP}</option>
            {ctx.schema.signups.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        {state.cohorts.length > 0 && (
          <button type="button" className="small" onClick={() => update({ cohorts: [] })}>
            Clear chosen cohorts ({state.cohorts.length})
          </button>
        )}
      </ViewControls>
      {state.retentionBy !== null && column === null && (
        <p className="muted">
          The signups have no column &ldquo;{state.retentionBy}&rdquo;, so the curves are by wave
          group.
        </p>
      )}
      {preparing && cells && (
        <p role="status" className="muted ret-status">
          {preparingText}
        </p>
      )}
      {preparing && !cells && !error ? (
        <p role="status" className="muted loading ret-status">
          {preparingText}
        </p>
      ) : (
        <Status
          isLoading={triangle.isLoading}
          hasData={Boolean(cells)}
          error={error}
          empty={cells?.length === 0}
          emptyText="No cohorts: no signups match these filters and dates."
        >
          {cells && (
            <>
              {groupCurves && groups.data ? (
                <RetentionSummary
                  groups={groupCurves}
                  spans={groups.data.spans}
                  g={groups.data.g}
                  mode={mode}
                  lastBucketStartUtcMs={lastBucketStart}
                  surgeStart={frame.surgeStart}
                  frameGranularity={state.granularity}
                />
              ) : (
                <p role="status" className="muted">
                  Computing the wave groups…
                </p>
              )}
              {shortfall && (
                <p className="ret-note" data-testid="retention-period0-note">
                  {periodZeroNote(shortfall, mode, cellsG)}
                </p>
              )}
              <ChartFrame
                title={`Retention by ${curvesG} since signup`}
                filters={filters}
                fileName={`retention-${curvesG}`}
                ariaLabel={`Retention by ${curvesG} since signup, by ${by}: ${series
                  .filter((s) => s.points.length > 0)
                  .map((s) => s.name)
                  .join(', ')}`}
                busy={busy}
                table={curvesData}
              >
                <RetentionCurves {...drawn} />
              </ChartFrame>
              {averages && (
                <CurveTable
                  series={series}
                  by={by}
                  spans={column === null ? (groups.data?.spans ?? null) : null}
                  g={curvesG}
                  mode={mode}
                  lastBucketStartUtcMs={lastBucketStart}
                />
              )}
              {missingChosen > 0 && (
                <p className="muted">
                  {missingChosen} chosen cohort(s) are outside the current filters and not drawn.
                </p>
              )}
              <RetentionTriangle
                cells={cells}
                mode={mode}
                granularity={cellsG}
                dataEnd={dataEnd}
                selected={state.cohorts}
                maxSelected={MAX_COHORTS}
                onSelectedChange={onSelectedChange}
              />
            </>
          )}
        </Status>
      )}
    </section>
  );
}
