/** Drift of the content mix from the baseline (JSD, 0..1) over time, one line per author group. */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { DriftRow } from '../metrics/drift.ts';
import { AUTHOR_GROUPS } from '../metrics/params.ts';
import type { AuthorGroup } from '../metrics/params.ts';
import { GROUP_COLORS } from './palette.ts';
import { useUntabbableChartLayers } from './mix-focus.ts';

export const GROUP_LABELS: Record<AuthorGroup, string> = {
  all: 'all authors',
  new: 'newcomers',
  existing: 'existing authors',
};

export type DriftPoint = { bucket_start: string } & Partial<Record<AuthorGroup, number>>;

/** One object per bucket with a JSD per group present; also which groups occur at all. */
export function pivotDrift(rows: readonly DriftRow[]): {
  points: DriftPoint[];
  groups: AuthorGroup[];
} {
  const byBucket = new Map<string, DriftPoint>();
  const seen = new Set<AuthorGroup>();
  for (const r of rows) {
    let p = byBucket.get(r.bucket_start);
    if (!p) {
      p = { bucket_start: r.bucket_start };
      byBucket.set(r.bucket_start, p);
    }
    p[r.group] = r.jsd;
    seen.add(r.group);
  }
  const points = [...byBucket.values()].sort((a, b) =>
    a.bucket_start < b.bucket_start ? -1 : a.bucket_start > b.bucket_start ? 1 : 0,
  );
  return { points, groups: AUTHOR_GROUPS.filter((g) => seen.has(g)) };
}

/** The group's drift in the latest complete bucket where it has posts, or null. */
export function lastCompleteDrift(
  rows: readonly DriftRow[],
  group: AuthorGroup,
  isComplete: (label: string) => boolean,
): DriftRow | null {
  let best: DriftRow | null = null;
  for (const r of rows) {
    if (r.group !== group || !isComplete(r.bucket_start)) continue;
    if (!best || r.bucket_start > best.bucket_start) best = r;
  }
  return best;
}

export function DriftChart({
  points,
  groups,
}: {
  points: readonly DriftPoint[];
  groups: readonly AuthorGroup[];
}) {
  const dot = points.length <= 40 ? { r: 2 } : false;
  const ref = useUntabbableChartLayers<HTMLDivElement>();
  return (
    <div ref={ref}>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={points as DriftPoint[]} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="bucket_start" minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            tick={{ fontSize: 12 }}
            label={{ value: 'JSD', angle: -90, position: 'insideLeft', fontSize: 12 }}
          />
          <Tooltip formatter={(v) => Number(v).toFixed(3)} />
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
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
