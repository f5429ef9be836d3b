/** Cohort retention: the triangle heatmap, chosen cohorts' curves, surge vs pre-surge averages. */
import { useMemo } from 'react';
import { averageCurve, retention, splitCohorts } from '../../metrics/retention.ts';
import type { CurvePoint, RetentionCell } from '../../metrics/retention.ts';
import type { CohortGranularity } from '../../metrics/params.ts';
import { utcToLocalMs } from '../../metrics/time-zone.ts';
import type { ViewState } from '../../state/view-state.ts';
import { RetentionTriangle } from '../../tables/RetentionTriangle.tsx';
import { pct } from '../../tables/retention-cells.ts';
import { RetentionCurves } from '../../charts/RetentionCurves.tsx';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { describeFilters } from '../../share/chart-export.ts';
import {
  AVERAGE_COLORS,
  COHORT_COLORS,
  averagePoints,
  cohortPoints,
  nextBucket,
} from '../../charts/retention-curves-data.ts';
import type { CurveSeries } from '../../charts/retention-curves-data.ts';
import { useQuery } from '../../app/use-query.ts';
import { ctxKey, useWaves } from '../../app/use-analysis.ts';
import { Status } from '../Status.tsx';
import type { ViewProps } from '../view-props.ts';

const MAX_COHORTS = 12;
const MODES: { value: ViewState['retentionMode']; label: string; hint: string }[] = [
  { value: 'on', label: 'On', hint: 'retained in period k: posted during period k' },
  { value: 'on_or_after', label: 'On or after', hint: 'posted in period k or any later period' },
];
const GRANULARITIES: CohortGranularity[] = ['day', 'week', 'month'];

interface Averages {
  /** Null when there is no surge start: one overall curve instead. */
  surge: CurvePoint[] | null;
  pre: CurvePoint[] | null;
  all: CurvePoint[];
  surgeCohorts: number;
  preCohorts: number;
}

function averages(
  cells: readonly RetentionCell[],
  surgeDate: string | null,
  g: CohortGranularity,
  mode: ViewState['retentionMode'],
): Averages {
  const all = averageCurve(cells, mode);
  if (!surgeDate) return { surge: null, pre: null, all, surgeCohorts: 0, preCohorts: 0 };
  const { pre, surge } = splitCohorts(cells, surgeDate, nextBucket(g));
  const cohorts = (xs: RetentionCell[]) => new Set(xs.map((c) => c.cohort_start)).size;
  return {
    surge: averageCurve(surge, mode),
    pre: averageCurve(pre, mode),
    all,
    surgeCohorts: cohorts(surge),
    preCohorts: cohorts(pre),
  };
}

const at1 = (curve: readonly CurvePoint[] | null) => curve?.find((p) => p.period === 1);
const rate = (p: CurvePoint | undefined, cohorts: number) =>
  cohorts === 0
    ? 'n/a (none in range)'
    : p?.retention == null
      ? 'n/a (not complete yet)'
      : pct(p.retention);
const ci = (p: CurvePoint | undefined) =>
  p?.retention == null
    ? 'n/a'
    : `${pct(p.low)}–${pct(p.high)} (${p.size.toLocaleString('en-US')} users)`;

function Summary(props: {
  avg: Averages;
  g: CohortGranularity;
  mode: string;
  surge: string | null;
}) {
  const { avg, g, mode, surge } = props;
  const unit = `${g[0]?.toUpperCase()}${g.slice(1)}-1 retention`;
  const how = mode === 'on' ? `posted during ${g} 1` : `posted in ${g} 1 or later`;
  if (!surge || !avg.surge || !avg.pre) {
    const a = at1(avg.all);
    return (
      <p className="summary" data-testid="retention-summary">
        No surge start: no wave was detected and none is set, so cohorts are not split; the curve
        shows the average over all cohorts. {unit}: all cohorts <strong>{rate(a, 1)}</strong> (users
        who {how}; 95% CI {ci(a)}).
      </p>
    );
  }
  const s = at1(avg.surge);
  const p = at1(avg.pre);
  return (
    <p className="summary" data-testid="retention-summary">
      {unit}: surge cohorts <strong>{rate(s, avg.surgeCohorts)}</strong> vs pre-surge{' '}
      <strong>{rate(p, avg.preCohorts)}</strong> (users who {how}). 95% CI: surge {ci(s)}, pre-surge{' '}
      {ci(p)}. Surge starts {surge}: {avg.surgeCohorts} cohorts hold surge signups, {avg.preCohorts}{' '}
      started earlier. Averages are weighted by cohort size over complete cells only.
    </p>
  );
}

export function RetentionView(props: ViewProps) {
  const { ctx, state, update } = props;
  const g = state.cohort;
  const mode = state.retentionMode;
  const { series, surgeStart } = useWaves(ctx, state);
  const q = useQuery(`retention:${ctxKey(ctx)}:${g}`, (engine) => retention(engine, ctx, g));
  const cells = q.data;
  const surgeDate = surgeStart ? surgeStart.slice(0, 10) : null;
  const dataEnd = useMemo(
    () => new Date(utcToLocalMs(ctx.range.endMs, ctx.tz)).toISOString().slice(0, 10),
    [ctx.range.endMs, ctx.tz],
  );
  const avg = useMemo(
    () => (cells ? averages(cells, surgeDate, g, mode) : null),
    [cells, surgeDate, g, mode],
  );
  const maxPeriod = useMemo(
    () => (cells ?? []).reduce((m, c) => Math.max(m, c.period), 0),
    [cells],
  );
  const present = useMemo(() => new Set((cells ?? []).map((c) => c.cohort_start)), [cells]);
  const chosen = state.cohorts.filter((c) => present.has(c));
  const curves = useMemo<CurveSeries[]>(() => {
    if (!cells || !avg) return [];
    const out: CurveSeries[] = state.cohorts
      .filter((c) => present.has(c))
      .map((c, i) => ({
        key: `c${i}`,
        name: `cohort ${c}`,
        color: COHORT_COLORS[i % COHORT_COLORS.length] as string,
        points: cohortPoints(cells, c, mode),
        average: false,
      }));
    const line = (key: 'surge' | 'pre' | 'all', name: string, curve: CurvePoint[]) =>
      out.push({
        key,
        name,
        color: AVERAGE_COLORS[key],
        points: averagePoints(curve),
        average: true,
      });
    if (avg.surge && avg.pre) {
      line('pre', 'pre-surge cohorts (average)', avg.pre);
      line('surge', 'surge cohorts (average)', avg.surge);
    } else line('all', 'all cohorts (average)', avg.all);
    return out;
  }, [cells, avg, state.cohorts, present, mode]);
  const wavesPending = series.isLoading && !state.surgeStart;

  return (
    <section aria-labelledby="retention-title" className="view">
      <h2 id="retention-title">Cohort retention</h2>
      <div className="controls">
        <div
          role="radiogroup"
          aria-labelledby="retention-mode-label"
          style={{ display: 'flex', gap: 12, alignItems: 'center' }}
        >
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
        {state.cohorts.length > 0 && (
          <button type="button" className="small" onClick={() => update({ cohorts: [] })}>
            Clear chosen cohorts ({state.cohorts.length})
          </button>
        )}
      </div>
      <Status
        isLoading={q.isLoading || wavesPending}
        hasData={Boolean(cells)}
        error={q.error ?? series.error}
        empty={cells?.length === 0}
        emptyText="No cohorts: no signups match these filters and dates."
      >
        {cells && avg && (
          <>
            <Summary avg={avg} g={g} mode={mode} surge={surgeDate} />
            <ChartFrame
              title={`Retention by ${g} since signup`}
              filters={describeFilters(state)}
              fileName={`retention-${g}`}
              ariaLabel={`Retention by ${g} since signup: ${curves.map((s) => s.name).join(', ')}`}
            >
              <RetentionCurves series={curves} maxPeriod={maxPeriod} granularity={g} />
            </ChartFrame>
            {chosen.length < state.cohorts.length && (
              <p className="muted">
                {state.cohorts.length - chosen.length} chosen cohort(s) are outside the current
                filters and not drawn.
              </p>
            )}
            <RetentionTriangle
              cells={cells}
              mode={mode}
              granularity={g}
              dataEnd={dataEnd}
              selected={state.cohorts}
              maxSelected={MAX_COHORTS}
              onSelectedChange={(cohorts) => update({ cohorts })}
            />
          </>
        )}
      </Status>
    </section>
  );
}
