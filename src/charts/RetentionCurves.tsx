/**
 * Retention by period: chosen cohorts as thin dashed lines, averages thick with Wilson bands.
 * A line chart drawn with ComposedChart: recharts 3 renders <Area> (the bands) only in
 * AreaChart and ComposedChart, and silently drops it inside LineChart.
 */
import { useMemo } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CohortGranularity } from '../metrics/params.ts';
import { bandKey, curveRows } from './retention-curves-data.ts';
import type { CurveSeries } from './retention-curves-data.ts';

export interface RetentionCurvesProps {
  series: readonly CurveSeries[];
  maxPeriod: number;
  granularity: CohortGranularity;
}

const percent = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—';

export function RetentionCurves({ series, maxPeriod, granularity }: RetentionCurvesProps) {
  const data = useMemo(() => curveRows(series, maxPeriod), [series, maxPeriod]);
  const step = Math.max(1, Math.ceil((maxPeriod + 1) / 16));
  const ticks = Array.from({ length: Math.floor(maxPeriod / step) + 1 }, (_, i) => i * step);
  const averages = series.filter((s) => s.average);
  const cohorts = series.filter((s) => !s.average);
  return (
    <ResponsiveContainer width="100%" height={340}>
      <ComposedChart data={data} margin={{ top: 8, right: 24, bottom: 20, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis
          dataKey="period"
          type="number"
          domain={[0, Math.max(1, maxPeriod)]}
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
          tickFormatter={percent}
          tick={{ fontSize: 12 }}
          label={{ value: 'retained', angle: -90, position: 'insideLeft', fontSize: 12 }}
        />
        <Tooltip
          formatter={(v) => percent(v)}
          labelFormatter={(p) => `${granularity} ${String(p)}`}
        />
        <Legend verticalAlign="top" height={28} />
        {averages.map((s) => (
          <Area
            key={bandKey(s.key)}
            dataKey={bandKey(s.key)}
            stroke="none"
            fill={s.color}
            fillOpacity={0.15}
            legendType="none"
            tooltipType="none"
            isAnimationActive={false}
          />
        ))}
        {cohorts.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeWidth={1.5}
            strokeDasharray="5 3"
            dot={{ r: 2 }}
            isAnimationActive={false}
          />
        ))}
        {averages.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeWidth={3}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
