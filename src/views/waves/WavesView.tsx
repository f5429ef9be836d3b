/** Migration waves: signups over time, baseline and threshold, waves, breakdown and attribution. */
import { useMemo } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import type { QueryContext } from '../../metrics/params.ts';
import {
  attributionSql,
  breakdown,
  pivotBreakdown,
  shapeAttribution,
} from '../../metrics/segments.ts';
import type { AttributionRow } from '../../metrics/segments.ts';
import type { Wave } from '../../metrics/waves.ts';
import type { ViewState } from '../../state/view-state.ts';
import { SignupsChart } from '../../charts/SignupsChart.tsx';
import { BreakdownChart } from '../../charts/BreakdownChart.tsx';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { describeFilters } from '../../share/chart-export.ts';
import { DataTable } from '../../tables/DataTable.tsx';
import { useQuery } from '../../app/use-query.ts';
import { ctxKey, useWaves } from '../../app/use-analysis.ts';
import { Status } from '../Status.tsx';
import { SignupsStatus } from '../SignupsStatus.tsx';

const fmt = (n: number | null, digits = 1) =>
  n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

const WAVE_COLUMNS: ColumnDef<Wave & { index: number }, unknown>[] = [
  { header: 'Wave', accessorKey: 'index', cell: (c) => `#${(c.getValue() as number) + 1}` },
  { header: 'start', accessorKey: 'start' },
  { header: 'end', accessorKey: 'end' },
  { header: 'peak', accessorKey: 'peak' },
  { header: 'peak_signups', accessorKey: 'peak_signups' },
  {
    header: 'peak_multiple',
    accessorKey: 'peak_multiple',
    cell: (c) => fmt(c.getValue() as number | null),
  },
  { header: 'signups', accessorKey: 'signups' },
];

const ATTRIBUTION_COLUMNS: ColumnDef<AttributionRow, unknown>[] = [
  { header: 'value', accessorKey: 'value' },
  { header: 'wave signups', accessorKey: 'wave_signups' },
  {
    header: 'expected at baseline pace',
    accessorKey: 'expected',
    cell: (c) => fmt(c.getValue() as number),
  },
  { header: 'above baseline', accessorKey: 'excess', cell: (c) => fmt(c.getValue() as number) },
  {
    header: 'share of excess',
    accessorKey: 'share',
    cell: (c) => `${((c.getValue() as number) * 100).toFixed(1)}%`,
  },
];

export function WavesView(props: {
  ctx: QueryContext;
  state: ViewState;
  update: (p: Partial<ViewState>, replace?: boolean) => void;
}) {
  const { ctx, state, update } = props;
  const { series, waves } = useWaves(ctx, state);
  const by =
    state.breakdown && ctx.schema.signups.includes(state.breakdown) ? state.breakdown : null;
  const split = useQuery(
    `breakdown:${ctxKey(ctx)}:${state.granularity}:${by}`,
    (engine) => breakdown(engine, ctx, state.granularity, by as string),
    Boolean(by),
  );
  const pivot = useMemo(() => (split.data ? pivotBreakdown(split.data) : null), [split.data]);
  const wave = state.wave !== null ? waves?.waves[state.wave] : undefined;
  const attribution = useQuery(
    `attr:${ctxKey(ctx)}:${state.granularity}:${by}:${JSON.stringify(wave)}:${JSON.stringify(waves?.baseline)}`,
    async (engine) => {
      const sql = attributionSql(
        ctx,
        state.granularity,
        by as string,
        wave as Wave,
        waves!.baseline,
      );
      const rows = await engine.query<{
        value: string;
        wave_signups: number;
        baseline_signups: number;
      }>(sql.text, sql.params);
      const n = (series.data ?? []).filter(
        (b) => b.bucket_start >= (wave as Wave).start && b.bucket_start <= (wave as Wave).end,
      ).length;
      return shapeAttribution(rows, waves!.baseline.median, n);
    },
    Boolean(by && wave && waves),
  );
  const waveRows = useMemo(
    () => (waves?.waves ?? []).map((w, index) => ({ ...w, index })),
    [waves],
  );

  return (
    <section aria-labelledby="waves-title" className="view">
      <h2 id="waves-title">Migration waves</h2>
      <div className="controls" role="group" aria-label="Wave settings">
        <label>
          Granularity{' '}
          <select
            value={state.granularity}
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
          Break down by{' '}
          <select value={by ?? ''} onChange={(e) => update({ breakdown: e.target.value || null })}>
            <option value="">(none)</option>
            {ctx.schema.signups.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          MAD multiplier{' '}
          <input
            type="number"
            min={0}
            max={50}
            step={0.5}
            value={state.madMultiplier}
            onChange={(e) =>
              e.target.value !== '' &&
              update({ madMultiplier: Number(e.target.value), wave: null }, true)
            }
          />
        </label>
        <label>
          Median multiplier{' '}
          <input
            type="number"
            min={0}
            max={100}
            step={0.5}
            value={state.medianMultiplier}
            onChange={(e) =>
              e.target.value !== '' &&
              update({ medianMultiplier: Number(e.target.value), wave: null }, true)
            }
          />
        </label>
        <label>
          Baseline from{' '}
          <input
            type="date"
            value={state.baselineFrom ?? ''}
            onChange={(e) => update({ baselineFrom: e.target.value || null, wave: null })}
          />
        </label>
        <label>
          to{' '}
          <input
            type="date"
            value={state.baselineTo ?? ''}
            onChange={(e) => update({ baselineTo: e.target.value || null, wave: null })}
          />
        </label>
      </div>
      <SignupsStatus series={series}>
        {waves && (
          <p className="summary" data-testid="baseline-summary">
            Baseline {waves.baseline.from} to {waves.baseline.to}: median{' '}
            <strong data-testid="baseline-median">{fmt(waves.baseline.median, 2)}</strong>, MAD{' '}
            {fmt(waves.baseline.mad, 2)}, threshold{' '}
            <strong data-testid="baseline-threshold">{fmt(waves.baseline.threshold, 2)}</strong>{' '}
            signups per {state.granularity}.{' '}
            {waves.waves.length === 0
              ? 'No bucket rises above the threshold.'
              : `${waves.waves.length} wave${waves.waves.length > 1 ? 's' : ''} detected.`}
          </p>
        )}
        <ChartFrame
          title="Signups over time"
          filters={describeFilters(state)}
          fileName="signups"
          ariaLabel="Signups over time with waves"
        >
          <SignupsChart
            series={series.data ?? []}
            waves={waves}
            range={{ from: state.from, to: state.to }}
            onBrush={(from, to) => update({ from, to }, true)}
            selectedWave={state.wave}
            onSelectWave={(i) => update({ wave: i })}
          />
        </ChartFrame>
        <DataTable
          caption="Waves (select one for attribution)"
          columns={WAVE_COLUMNS}
          data={waveRows}
          csvName="waves.csv"
          testId="waves-table"
        />
        <div className="controls">
          <label>
            Wave for attribution{' '}
            <select
              value={state.wave ?? ''}
              onChange={(e) =>
                update({ wave: e.target.value === '' ? null : Number(e.target.value) })
              }
            >
              <option value="">(none)</option>
              {waveRows.map((w) => (
                <option key={w.start} value={w.index}>
                  #{w.index + 1}: {w.start} to {w.end}
                </option>
              ))}
            </select>
          </label>
        </div>
      </SignupsStatus>
      {by && (
        <>
          <h3>Signups by {by}</h3>
          <Status
            isLoading={split.isLoading}
            error={split.error}
            empty={pivot?.buckets.length === 0}
          >
            {pivot && <BreakdownChart buckets={pivot.buckets} values={pivot.values} />}
          </Status>
          {wave ? (
            <Status isLoading={attribution.isLoading} error={attribution.error}>
              <DataTable
                caption={`Who drove wave #${(state.wave ?? 0) + 1} (${wave.start} to ${wave.end}), by ${by}`}
                columns={ATTRIBUTION_COLUMNS}
                data={attribution.data ?? []}
                csvName={`attribution-${by}.csv`}
                testId="attribution-table"
              />
            </Status>
          ) : (
            <p className="muted">Choose a wave to see which {by} values drove it.</p>
          )}
        </>
      )}
      {!by && <p className="muted">Choose a segment to break signups down and attribute waves.</p>}
    </section>
  );
}
