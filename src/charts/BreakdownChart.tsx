/** Signups per bucket stacked by segment value (top 8 plus Other), as step areas. */
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { memo } from 'react';
import { formatAxis, formatBucket, formatCount } from '../format/format.ts';
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
        <CartesianGrid vertical={false} strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis
          dataKey="bucket_start"
          minTickGap={24}
          tick={{ fontSize: 12 }}
          tickFormatter={label}
        />
        <YAxis tick={{ fontSize: 12 }} tickFormatter={(v: number) => formatAxis(v)} />
        <Tooltip
          labelFormatter={label}
          formatter={(v) => formatCount(Number(v))}
          wrapperClassName="chart-tooltip"
        />
        <Legend />
        {values.map((v, i) => (
          // Stacked step areas: one path per value keeps the main thread's render short.
          <Area
            key={v}
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
