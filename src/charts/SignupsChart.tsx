/** Signups per bucket with the baseline band, threshold line, annotated waves and a brush. */
import { useMemo, useRef } from 'react';
import {
  Area,
  Bar,
  Brush,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SignupBucket } from '../metrics/signups.ts';
import type { WaveResult } from '../metrics/waves.ts';
import { inWindow } from '../metrics/waves.ts';

/** Above this many buckets the series draws as one step area instead of a bar each. */
const MAX_BARS = 150;

export interface SignupsChartProps {
  series: readonly SignupBucket[];
  waves: WaveResult | null;
  /** Current date range (inclusive dates) or null. */
  range: { from: string | null; to: string | null };
  onBrush: (from: string, to: string) => void;
  selectedWave: number | null;
  onSelectWave: (i: number) => void;
}

export function SignupsChart(props: SignupsChartProps) {
  const { series, waves } = props;
  const data = useMemo(() => {
    const out: (SignupBucket & { cumulative: number })[] = [];
    for (const b of series)
      out.push({ ...b, cumulative: (out[out.length - 1]?.cumulative ?? 0) + b.signups });
    return out;
  }, [series]);
  const baseline = waves?.baseline;
  const baselineBuckets = baseline ? series.filter((b) => inWindow(b.bucket_start, baseline)) : [];
  const startIndex = props.range.from
    ? Math.max(
        0,
        series.findIndex((b) => b.bucket_start.slice(0, 10) >= (props.range.from as string)),
      )
    : 0;
  const endIdx = props.range.to
    ? series.findLastIndex((b) => b.bucket_start.slice(0, 10) <= (props.range.to as string))
    : -1;
  const endIndex = endIdx >= 0 ? endIdx : Math.max(0, series.length - 1);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  if (series.length === 0) return null;

  return (
    // A new series remounts the chart: recharts' Brush keeps indexes of the previous data.
    <ResponsiveContainer
      key={`${series[0]?.bucket_start}:${series.length}`}
      width="100%"
      height={340}
    >
      <ComposedChart data={data} margin={{ top: 24, right: 24, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis dataKey="bucket_start" minTickGap={24} tick={{ fontSize: 12 }} />
        <YAxis
          yAxisId="n"
          tick={{ fontSize: 12 }}
          label={{ value: 'signups', angle: -90, position: 'insideLeft', fontSize: 12 }}
        />
        <YAxis
          yAxisId="cum"
          orientation="right"
          tick={{ fontSize: 12 }}
          label={{ value: 'cumulative users', angle: 90, position: 'insideRight', fontSize: 12 }}
        />
        <Tooltip />
        {baselineBuckets.length > 0 && (
          <ReferenceArea
            yAxisId="n"
            x1={baselineBuckets[0]?.bucket_start}
            x2={baselineBuckets[baselineBuckets.length - 1]?.bucket_start}
            fill="#56B4E9"
            fillOpacity={0.15}
            label={{ value: 'baseline', position: 'insideTop', fontSize: 11 }}
          />
        )}
        {waves?.waves.map((w, i) => (
          <ReferenceArea
            key={w.start}
            yAxisId="n"
            x1={w.start}
            x2={w.end}
            fill="#D55E00"
            fillOpacity={props.selectedWave === i ? 0.28 : 0.12}
            onClick={() => props.onSelectWave(i)}
            label={{
              value: w.peak_multiple === null ? `wave ${i + 1}` : `×${w.peak_multiple.toFixed(1)}`,
              position: 'top',
              fontSize: 12,
            }}
          />
        ))}
        {baseline && (
          <ReferenceLine
            yAxisId="n"
            y={baseline.threshold}
            stroke="#D55E00"
            strokeDasharray="6 3"
            label={{ value: 'threshold', position: 'right', fontSize: 11 }}
          />
        )}
        {series.length <= MAX_BARS ? (
          <Bar yAxisId="n" dataKey="signups" fill="#0072B2" isAnimationActive={false} />
        ) : (
          <Area
            yAxisId="n"
            type="step"
            dataKey="signups"
            stroke="#0072B2"
            fill="#0072B2"
            fillOpacity={0.8}
            isAnimationActive={false}
          />
        )}
        <Line
          yAxisId="cum"
          dataKey="cumulative"
          dot={false}
          stroke="#009E73"
          isAnimationActive={false}
        />
        {series.length > 1 && (
          <Brush
            dataKey="bucket_start"
            height={24}
            startIndex={startIndex}
            endIndex={endIndex}
            onChange={(r) => {
              if (timer.current) clearTimeout(timer.current);
              timer.current = setTimeout(() => {
                const a = series[r.startIndex ?? 0];
                const b = series[r.endIndex ?? series.length - 1];
                if (a && b) props.onBrush(a.bucket_start.slice(0, 10), b.bucket_start.slice(0, 10));
              }, 250);
            }}
          />
        )}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
