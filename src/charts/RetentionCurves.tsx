/**
 * Retention by period: average curves (by wave group or by a column's values) thick with their
 * Wilson 95% bands, chosen cohorts as thin dashed lines. Drawn with ComposedChart: recharts 3
 * renders <Area> (the bands) only in AreaChart and ComposedChart, and silently drops it inside
 * LineChart. Memoised: it redraws only when its series change, never on hover elsewhere.
 */
import { memo, useMemo } from 'react';
import {
  Area,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { HorizontalGrid } from './grid.tsx';
import { formatPercent } from '../format/format.ts';
import type { CohortGranularity } from '../metrics/params.ts';
import { LegendText, shortLabel } from '../tables/LongText.tsx';
import { bandKey, curveRows, maxPeriodOf } from './retention-curves-data.ts';
import type { CurveSeries } from './retention-curves-data.ts';

export interface RetentionCurvesProps {
  /** Series to draw; a series with no point is left out (legend included). */
  series: readonly CurveSeries[];
  granularity: CohortGranularity;
}

/** Past this many periods a curve is drawn without dots (fewer SVG elements, same line). */
const MAX_DOTTED = 40;

const percent = (v: unknown) => (typeof v === 'number' ? formatPercent(v) : '—');

export const RetentionCurves = memo(function RetentionCurves(props: RetentionCurvesProps) {
  const { granularity } = props;
  const series = useMemo(() => props.series.filter((s) => s.points.length > 0), [props.series]);
  const maxPeriod = maxPeriodOf(series);
  const data = useMemo(() => curveRows(series, maxPeriod), [series, maxPeriod]);
  const step = Math.max(1, Math.ceil((maxPeriod + 1) / 16));
  const ticks = Array.from({ length: Math.floor(maxPeriod / step) + 1 }, (_, i) => i * step);
  const dotted = maxPeriod <= MAX_DOTTED;
  const averages = series.filter((s) => s.average);
  const cohorts = series.filter((s) => !s.average);
  // Legend and tooltip list series as given (averages in group order, then cohorts); recharts
  // would sort them by name.
  const byOrder = useMemo(() => {
    const rank = new Map(series.map((s, i) => [s.key, i]));
    return (item: { dataKey?: unknown }) => rank.get(String(item.dataKey)) ?? series.length;
  }, [series]);
  // Series are named on the chart (paths, tooltip) by their short label; the legend shows the
  // full name on hover.
  const fullName = useMemo(() => new Map(series.map((s) => [s.key, s.name])), [series]);
  return (
    <ResponsiveContainer width="100%" height={360}>
      <ComposedChart data={data} margin={{ top: 8, right: 24, bottom: 20, left: 8 }}>
        <HorizontalGrid />
        <XAxis
          dataKey="period"
          type="number"
          domain={[0, maxPeriod]}
          allowDecimals={false}
          ticks={ticks}
          interval={0}
          tick={{ fontSize: 12 }}
          label={{
            value: `${granularity}s since signup`,
            position: 'insideBottom',
            offset: -12,
            fontSize: 12,
          }}
        />
        <YAxis
          domain={[0, (max: number) => Math.min(1, Math.ceil(max * 10 + 0.001) / 10)]}
          tickFormatter={(v: number) => formatPercent(v, 0)}
          tick={{ fontSize: 12 }}
          label={{ value: 'retained', angle: -90, position: 'insideLeft', fontSize: 12 }}
        />
        <Tooltip
          itemSorter={byOrder}
          // Series named by a column's values can be very long: named by their start.
          formatter={(v, name) => [percent(v), shortLabel(String(name))]}
          labelFormatter={(p) => `${granularity} ${String(p)} since signup`}
          wrapperClassName="chart-tooltip"
          separator=": "
        />
        <Legend
          verticalAlign="top"
          itemSorter={byOrder}
          formatter={(v, entry) => (
            <LegendText text={fullName.get(String(entry.dataKey)) ?? String(v)} />
          )}
        />
        {averages.map((s) => (
          <Area
            key={bandKey(s.key)}
            dataKey={bandKey(s.key)}
            name={`${shortLabel(s.name)} (95% interval)`}
            stroke="none"
            fill={s.color}
            fillOpacity={0.14}
            legendType="none"
            tooltipType="none"
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
        {cohorts.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={shortLabel(s.name)}
            stroke={s.color}
            strokeWidth={1.5}
            strokeDasharray="5 3"
            dot={dotted ? { r: 2 } : false}
            legendType="plainline"
            isAnimationActive={false}
          />
        ))}
        {averages.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={shortLabel(s.name)}
            stroke={s.color}
            strokeWidth={3}
            dot={dotted ? { r: 3 } : false}
            isAnimationActive={false}
          />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
});
