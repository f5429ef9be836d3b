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
import { colorAt } from './palette.ts';

export function BreakdownChart({
  buckets,
  values,
}: {
  buckets: Record<string, number | string>[];
  values: string[];
}) {
  return (
    <ResponsiveContainer width="100%" height={280}>
      <AreaChart data={buckets} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis dataKey="bucket_start" minTickGap={24} tick={{ fontSize: 12 }} />
        <YAxis tick={{ fontSize: 12 }} />
        <Tooltip />
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
