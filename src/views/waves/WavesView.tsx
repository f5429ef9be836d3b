/** Migration waves: a series over time in the fixed frame, breakdown and attribution. */
import { ViewControls } from '../../components/ViewControls.tsx';
import { useCallback, useMemo } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { SERIES_LABELS } from '../../metrics/series.ts';
import type { SeriesPoint } from '../../metrics/series.ts';
import {
  attributionSql,
  breakdown,
  pivotBreakdown,
  shapeAttribution,
} from '../../metrics/segments.ts';
import type { AttributionRow } from '../../metrics/segments.ts';
import type { Wave } from '../../metrics/waves.ts';
import type { ViewState } from '../../state/view-state.ts';
import { SERIES } from '../../state/view-state.ts';
import { WavesChart } from '../../charts/WavesChart.tsx';
import { BreakdownChart } from '../../charts/BreakdownChart.tsx';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { breakdownTable, seriesTable } from '../../charts/chart-data.ts';
import { describeFilters } from '../../share/chart-export.ts';
import { DataTable } from '../../tables/DataTable.tsx';
import { LongText } from '../../tables/LongText.tsx';
import { useQuery } from '../../hooks/use-query.ts';
import { StagedList } from '../../hooks/use-stage.tsx';
import { sameFields, useSettled } from '../../hooks/use-settled.ts';
import { ctxKey, useChartSeries, useFrame } from '../../hooks/use-analysis.ts';
import { withCubes } from '../../hooks/cube-session.ts';
import { Status } from '../Status.tsx';
import { FrameControls } from './FrameControls.tsx';
import { FrameSummary } from './FrameSummary.tsx';
import type { ViewProps } from '../view-props.ts';
import {
  exportRounded,
  formatBucket,
  formatCount,
  formatMultiple,
  formatNumber,
  formatPercent,
} from '../../format/format.ts';

type WaveRow = Wave & { index: number };

const NO_POINTS: readonly SeriesPoint[] = [];

function waveColumns(unit: string, g: ViewState['granularity']): ColumnDef<WaveRow, unknown>[] {
  const bucket = (c: { getValue: () => unknown }) => formatBucket(c.getValue() as string, g);
  return [
    {
      header: 'Wave',
      accessorKey: 'index',
      cell: (c) => `#${(c.getValue() as number) + 1}`,
      meta: { csv: (v) => `#${(v as number) + 1}` },
    },
    { header: 'Start', accessorKey: 'start', cell: bucket },
    { header: 'End', accessorKey: 'end', cell: bucket },
    { header: 'Peak', accessorKey: 'peak', cell: bucket },
    {
      header: `Peak ${unit}`,
      accessorKey: 'peak_signups',
      cell: (c) => formatCount(c.getValue() as number),
    },
    {
      header: 'Peak multiple',
      accessorKey: 'peak_multiple',
      cell: (c) => formatMultiple(c.getValue() as number | null),
      meta: { csv: (v) => exportRounded(v, 1) },
    },
    {
      header: `${unit[0]?.toUpperCase()}${unit.slice(1)} in the wave`,
      accessorKey: 'signups',
      cell: (c) => formatCount(c.getValue() as number),
    },
  ];
}

function attributionColumns(by: string): ColumnDef<AttributionRow, unknown>[] {
  return [
    {
      header: by,
      accessorKey: 'value',
      cell: (c) => <LongText text={c.getValue() as string} />,
    },
    {
      header: 'Signups in the wave',
      accessorKey: 'wave_signups',
      cell: (c) => formatCount(c.getValue() as number),
    },
    {
      header: 'Expected at baseline pace',
      accessorKey: 'expected',
      cell: (c) => formatNumber(c.getValue() as number, 1),
      meta: { csv: (v) => exportRounded(v, 1) },
    },
    {
      header: 'Above baseline',
      accessorKey: 'excess',
      cell: (c) => formatNumber(c.getValue() as number, 1),
      meta: { csv: (v) => exportRounded(v, 1) },
    },
    {
      header: 'Share of the excess',
      accessorKey: 'share',
      cell: (c) => formatPercent(c.getValue() as number),
      meta: { csv: (v) => exportRounded(v, 1, 100), csvHeader: 'Share of the excess (%)' },
    },
  ];
}

export function WavesView(props: ViewProps) {
  const { ctx, state, update } = props;
  const g = state.granularity;
  const frame = useFrame(ctx, state);
  const chart = useChartSeries(ctx, state, frame);
  const unit = SERIES_LABELS[chart.kind].unit;
  const filtered = (ctx.filters.segments ?? []).length > 0;
  const by =
    state.breakdown && ctx.schema.signups.includes(state.breakdown) ? state.breakdown : null;
  const split = useQuery(
    `breakdown:${ctxKey(ctx)}:${g}:${by}`,
    async (engine) => breakdown(engine, await withCubes(engine, ctx), g, by as string),
    Boolean(by),
  );
  const pivot = useMemo(() => (split.data ? pivotBreakdown(split.data) : null), [split.data]);
  // Attribution explains the signup waves (the frame's spans, the segment's own baseline).
  const signupView = frame.view;
  const wave = state.wave !== null ? signupView?.waves[state.wave] : undefined;
  const attribution = useQuery(
    `attr:${ctxKey(ctx)}:${g}:${by}:${JSON.stringify(wave)}:${JSON.stringify(signupView?.baseline)}`,
    async (engine) => {
      const w = wave as Wave;
      const sql = attributionSql(
        await withCubes(engine, ctx),
        g,
        by as string,
        w,
        signupView!.baseline,
      );
      const rows = await engine.query<{
        value: string;
        wave_signups: number;
        baseline_signups: number;
      }>(sql.text, sql.params);
      const n = (frame.mine.data?.points ?? []).filter(
        (b) => b.bucket_start >= w.start && b.bucket_start <= w.end,
      ).length;
      return shapeAttribution(rows, signupView!.baseline.median, n);
    },
    Boolean(by && wave && signupView && frame.mine.data),
  );
  const waveRows = useMemo<WaveRow[]>(
    () => (chart.view?.waves ?? []).map((w, index) => ({ ...w, index })),
    [chart.view],
  );
  const columns = useMemo(() => waveColumns(unit, g), [unit, g]);
  const seriesData = useMemo(
    () =>
      seriesTable(chart.mine.data?.points ?? [], chart.view, g, unit, {
        from: state.from,
        to: state.to,
      }),
    [chart.mine.data, chart.view, g, unit, state.from, state.to],
  );
  const breakdownData = useMemo(
    () => (pivot && by ? breakdownTable(pivot.buckets, pivot.values, g, `signups by ${by}`) : null),
    [pivot, by, g],
  );
  const attrColumns = useMemo(() => attributionColumns(by ?? 'Value'), [by]);
  const signupsChart = chart.kind === 'signups';
  const wave0 = state.wave;
  // Stable handlers: the chart is memoised and redraws only when its data changes.
  const selectWave = useCallback(
    (i: number) => {
      if (signupsChart) update({ wave: wave0 === i ? null : i });
    },
    [update, signupsChart, wave0],
  );
  const onRange = useCallback(
    (from: string | null, to: string | null) => update({ from, to }, true),
    [update],
  );
  // The chart draws once per input, when the series and the frame for it are both in.
  const drawn = useSettled(
    {
      series: chart.mine.data?.points ?? NO_POINTS,
      view: chart.view,
      granularity: g,
      unit,
      from: state.from,
      to: state.to,
      selectedWave: chart.kind === 'signups' ? state.wave : null,
      onSelectWave: selectWave,
    },
    !chart.mine.isLoading && !chart.all.isLoading && !frame.pending,
    sameFields,
  );

  return (
    <section aria-labelledby="waves-title" className="view">
      <h2 id="waves-title">Migration waves</h2>
      <ViewControls label="What to chart">
        <label>
          Granularity{' '}
          <select
            value={g}
            onChange={(e) =>
              update({ granularity: e.target.value as ViewState['granularity'], wave: null })
            }
          >
            <option value="hour">hour</option>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Series{' '}
          <select
            value={state.series}
            onChange={(e) => update({ series: e.target.value as ViewState['series'], wave: null })}
          >
            {SERIES.map((s) => (
              <option key={s} value={s}>
                {SERIES_LABELS[s].name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Break down signups by{' '}
          <select value={by ?? ''} onChange={(e) => update({ breakdown: e.target.value || null })}>
            <option value="">(none)</option>
            {ctx.schema.signups.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </ViewControls>
      <FrameControls state={state} update={update} frame={frame} filtered={filtered} />
      <Status
        isLoading={chart.mine.isLoading || frame.pending}
        hasData={Boolean(chart.mine.data)}
        error={chart.mine.error ?? chart.all.error ?? frame.all.error}
        empty={chart.mine.data?.points.length === 0}
        emptyText={
          chart.kind === 'signups' ? 'No signups are loaded.' : `No ${unit} in the loaded data.`
        }
      >
        <FrameSummary
          frame={frame}
          chart={chart}
          unit={unit}
          granularity={g}
          filtered={filtered}
          filterText={describeFilters(state)}
        />
        <ChartFrame
          title={`${SERIES_LABELS[chart.kind].name} over time`}
          filters={describeFilters(state)}
          fileName={chart.kind}
          ariaLabel={`${SERIES_LABELS[chart.kind].name} over time with waves`}
          busy={chart.mine.isLoading}
          table={seriesData}
          actions={
            (state.from || state.to) && (
              <button
                type="button"
                className="small"
                onClick={() => update({ from: null, to: null })}
              >
                Reset zoom
              </button>
            )
          }
        >
          <WavesChart {...drawn} onRange={onRange} notes={state.annotations} />
        </ChartFrame>
        {/* After the view, the chart and its overview, in a task of its own (use-stage.tsx). */}
        <StagedList
          stageKey={drawn.series}
          after={3}
          items={[
            {
              key: 'waves-table',
              height: 44 * (waveRows.length + 2),
              node: (
                <DataTable
                  caption={
                    chart.kind === 'signups'
                      ? 'Waves (select one to see who drove it)'
                      : `Waves of ${unit}`
                  }
                  columns={columns}
                  data={waveRows}
                  csvName={`waves-${chart.kind}.csv`}
                  testId="waves-table"
                  onSelectRow={chart.kind === 'signups' ? selectWave : undefined}
                  selectedRow={chart.kind === 'signups' ? state.wave : null}
                />
              ),
            },
          ]}
        />
      </Status>
      {by && (
        <>
          <h3>Signups by {by}</h3>
          <Status
            isLoading={split.isLoading}
            hasData={Boolean(pivot)}
            error={split.error}
            empty={pivot?.buckets.length === 0}
            emptyText="No signups in this range."
          >
            {pivot && (
              <ChartFrame
                title={`Signups by ${by}`}
                filters={describeFilters(state)}
                fileName={`signups-by-${by}`}
                ariaLabel={`Signups by ${by}, stacked`}
                busy={split.isLoading}
                table={breakdownData}
              >
                <BreakdownChart buckets={pivot.buckets} values={pivot.values} granularity={g} />
              </ChartFrame>
            )}
          </Status>
          {wave ? (
            <Status
              isLoading={attribution.isLoading}
              hasData={Boolean(attribution.data)}
              error={attribution.error}
            >
              <DataTable
                caption={`Who drove wave #${(state.wave ?? 0) + 1} (${formatBucket(wave.start, g)} to ${formatBucket(wave.end, g)}), by ${by}`}
                columns={attrColumns}
                data={attribution.data ?? []}
                csvName={`attribution-${by}.csv`}
                testId="attribution-table"
              />
            </Status>
          ) : (
            <p className="muted">
              Select a wave (in the chart or the table) to see which {by} values drove it.
            </p>
          )}
        </>
      )}
      {!by && <p className="muted">Choose a column to break signups down and attribute waves.</p>}
    </section>
  );
}
