/**
 * Drift of the content mix from the baseline (Jensen-Shannon divergence, 0..1) over time, one
 * line per author group, on the same point axis as the category-share multiples above it.
 */
import { memo } from 'react';
import { Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { HorizontalGrid } from './grid.tsx';
import type { AuthorGroup } from '../metrics/params.ts';
import { formatNumber } from '../format/format.ts';
import { NoteLines } from './frame-layer.tsx';
import type { NoteSpec } from './frame-layer.tsx';
import { GROUP_LABELS, pointLabel, pointTick } from './mix-buckets.ts';
import type { DriftPoint, MixAxis } from './mix-buckets.ts';
import { GROUP_COLORS } from './palette.ts';

export interface DriftChartProps {
  axis: MixAxis;
  points: readonly DriftPoint[];
  groups: readonly AuthorGroup[];
  notes: readonly NoteSpec[];
  height?: number;
}

function DriftChartImpl({ axis, points, groups, notes, height }: DriftChartProps) {
  const dot = points.length <= 40 ? { r: 2 } : false;
  const tick = (v: number) => pointTick(axis, v);
  return (
    <div>
      <ResponsiveContainer width="100%" height={height ?? 260}>
        <LineChart data={points as DriftPoint[]} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <HorizontalGrid />
          <XAxis
            dataKey="x"
            type="number"
            domain={[-0.5, Math.max(0, axis.bins - 1) + 0.5]}
            allowDataOverflow
            allowDecimals={false}
            tickFormatter={tick}
            tickCount={8}
            minTickGap={24}
            tick={{ fontSize: 12 }}
          />
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            tickFormatter={(v: number) => formatNumber(v, 2)}
            tick={{ fontSize: 12 }}
            width={40}
            label={{ value: 'JSD', angle: -90, position: 'insideLeft', fontSize: 12 }}
          />
          <Tooltip
            labelFormatter={(x) => pointLabel(axis, Number(x))}
            formatter={(v) => formatNumber(Number(v), 3)}
            wrapperClassName="chart-tooltip"
            separator=": "
          />
          <Legend itemSorter={null} />
          {groups.map((g) => (
            <Line
              key={g}
              dataKey={g}
              name={GROUP_LABELS[g]}
              stroke={GROUP_COLORS[g]}
              strokeWidth={g === 'all' ? 1.5 : 2}
              strokeDasharray={g === 'all' ? '5 3' : undefined}
              dot={dot}
              isAnimationActive={false}
            />
          ))}
          <NoteLines notes={notes} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Memoised: only new points, groups or notes redraw it. */
export const DriftChart = memo(DriftChartImpl);
