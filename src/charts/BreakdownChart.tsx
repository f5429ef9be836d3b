/** Signups per bucket stacked by segment value (top 8 plus Other), as step areas. */
import { memo, useMemo } from 'react';
import { ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { HorizontalGrid } from './grid.tsx';
import { SeriesTooltip, SwatchLegend } from './legend.tsx';
import type { LegendItem } from './legend.tsx';
import { ScaleAnchor, StackedAreas, niceCeiling } from './stacked-areas.tsx';
import { formatAxis, formatBucket, formatCount } from '../format/format.ts';
import { colorAt } from './palette.ts';

type Bucket = Record<string, number | string>;

interface Row {
  i: number;
  bucket: Bucket;
  /** The stack's height: the y axis' domain. */
  total: number;
}

/** Signups of a value in a bucket (absent: none). */
const count = (b: Bucket, value: string) => Number(b[value] ?? 0);

/** The values in the bucket under the pointer, top of the stack first, named by their start. */
function BreakdownTooltip(props: {
  active: boolean;
  label: unknown;
  rows: readonly Row[];
  items: readonly LegendItem[];
  granularity: 'hour' | 'day' | 'week' | 'month';
}) {
  const row = props.active ? props.rows[Math.round(Number(props.label))] : undefined;
  if (!row) return null;
  const rows = props.items
    .map((item) => ({ ...item, value: count(row.bucket, item.key) }))
    .filter((r) => r.value > 0)
    .reverse()
    .map((r) => ({ ...r, value: formatCount(r.value) }));
  return (
    <SeriesTooltip
      className="breakdown-tooltip"
      title={`${formatBucket(String(row.bucket.bucket_start), props.granularity)}: ${formatCount(row.total)} signups`}
      rows={rows}
    />
  );
}

const rowX = (r: Row) => r.i;

function BreakdownChartImpl({
  buckets,
  values,
  granularity,
}: {
  buckets: Bucket[];
  values: string[];
  granularity: 'hour' | 'day' | 'week' | 'month';
}) {
  const rows = useMemo<Row[]>(
    () =>
      buckets.map((bucket, i) => ({
        i,
        bucket,
        total: values.reduce((sum, v) => sum + count(bucket, v), 0),
      })),
    [buckets, values],
  );
  const max = rows.reduce((m, r) => Math.max(m, r.total), 0);
  const items = useMemo(
    () => values.map((v, i) => ({ key: v, label: v, color: colorAt(i) })),
    [values],
  );
  const value = useMemo(
    () => (r: Row, j: number) => count(r.bucket, values[j] as string),
    [values],
  );
  const label = (v: unknown) => {
    const b = rows[Math.round(Number(v))]?.bucket;
    return b ? formatBucket(String(b.bucket_start), granularity) : '';
  };
  return (
    <ResponsiveContainer width="100%" height={280}>
      <ComposedChart data={rows} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
        <HorizontalGrid />
        <XAxis
          dataKey="i"
          type="number"
          domain={[-0.5, Math.max(0, rows.length - 1) + 0.5]}
          allowDecimals={false}
          minTickGap={24}
          tick={{ fontSize: 12 }}
          tickFormatter={label}
        />
        <YAxis
          domain={[0, niceCeiling(max)]}
          tick={{ fontSize: 12 }}
          tickFormatter={(v: number) => formatAxis(v)}
        />
        <ScaleAnchor />
        <Tooltip
          content={({ active, label: at }) => (
            <BreakdownTooltip
              active={active}
              label={at}
              rows={rows}
              items={items}
              granularity={granularity}
            />
          )}
        />
        <Legend content={() => <SwatchLegend items={items} />} />
        <StackedAreas
          points={rows}
          series={items}
          x={rowX}
          value={value}
          step
          fillOpacity={0.85}
          className="breakdown-areas"
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** Memoised: only new data redraws it. */
export const BreakdownChart = memo(BreakdownChartImpl);
