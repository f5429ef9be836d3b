/** Signups per bucket stacked by segment value (top 8 plus Other), as step areas. */
import {
  Area,
  AreaChart,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { HorizontalGrid } from './grid.tsx';
import { memo } from 'react';
import { formatAxis, formatBucket, formatCount } from '../format/format.ts';
import { LegendText, shortLabel } from '../tables/LongText.tsx';
import { colorAt } from './palette.ts';

function BreakdownChartImpl({
  buckets,
  values,
  granularity,
}: {
  buckets: Record<string, number | string>[];
  values: string[];
  granularity: 'hour' | 'day' | 'week' | 'month';
}) {
  const label = (v: unknown) => formatBucket(String(v), granularity);
  return (
    <ResponsiveContainer width="100%" height={280}>
      <AreaChart data={buckets} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
        <HorizontalGrid />
        <XAxis
          dataKey="bucket_start"
          minTickGap={24}
          tick={{ fontSize: 12 }}
          tickFormatter={label}
        />
        <YAxis tick={{ fontSize: 12 }} tickFormatter={(v: number) => formatAxis(v)} />
        <Tooltip
          labelFormatter={label}
          // Segment values can be very long: the tooltip names them by their start.
          formatter={(v, name) => [formatCount(Number(v)), shortLabel(String(name))]}
          wrapperClassName="chart-tooltip"
          separator=": "
        />
        <Legend
          formatter={(v, entry) => (
            <LegendText text={typeof entry.dataKey === 'string' ? entry.dataKey : String(v)} />
          )}
        />
        {values.map((v, i) => (
          // Stacked step areas: one path per value keeps the main thread's render short.
          <Area
            key={v}
            // recharts writes the name on the path (and so into exports): the short label.
            name={shortLabel(v)}
            type="step"
            dataKey={v}
            stackId="s"
            stroke={colorAt(i)}
            fill={colorAt(i)}
            fillOpacity={0.85}
            isAnimationActive={false}
          />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  );
}

/** Memoised: only new data redraws it. */
export const BreakdownChart = memo(BreakdownChartImpl);
