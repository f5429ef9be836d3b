/**
 * Category shares over time for one author group, as a 100% stacked area chart: one small
 * multiple of the Content mix view. The x axis is the point index of the shared axis
 * (mix-buckets.ts), so the multiples and the drift chart below them share one time scale and the
 * analyst's notes line up on all of them.
 *
 * The legend is shown once by the view, beside the multiples. Each chart still carries its own
 * legend for exports: laid out just below the chart and clipped from the screen (mix.css), where
 * the SVG/PNG export finds recharts' legend items and draws them into the file.
 */
import { memo, useMemo } from 'react';
import { ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { HorizontalGrid } from './grid.tsx';
import { ScaleAnchor, StackedAreas } from './stacked-areas.tsx';
import { SeriesTooltip, SwatchLegend } from './legend.tsx';
import { formatCount, formatPercent } from '../format/format.ts';
import { NoteLines } from './frame-layer.tsx';
import type { NoteSpec } from './frame-layer.tsx';
import { pointLabel, pointTick } from './mix-buckets.ts';
import type { MixAxis, MixPoint, MixSeries } from './mix-buckets.ts';

export interface MixAreaChartProps {
  axis: MixAxis;
  /** The group's points (only those with posts). */
  points: readonly MixPoint[];
  /** Series drawn bottom-up; the legend lists them in this order. */
  series: readonly MixSeries[];
  /** Colour of a category; null = "Other". */
  colorOf: (category: string | null) => string;
  notes: readonly NoteSpec[];
  /** Who the chart counts, for the tooltip ("newcomers"). */
  groupLabel: string;
  height?: number;
}

/** Most categories a tooltip lists (largest first); the rest are summed in one line. */
const TOOLTIP_ROWS = 12;

function MixTooltip(props: {
  active: boolean;
  label: unknown;
  byX: ReadonlyMap<number, MixPoint>;
  axis: MixAxis;
  series: readonly MixSeries[];
  colorOf: (category: string | null) => string;
  groupLabel: string;
}) {
  const p = props.active ? props.byX.get(Number(props.label)) : undefined;
  if (!p) return null;
  const rows = props.series
    .map((s, j) => ({ s, posts: p.counts[j] ?? 0, share: p.shares[j] ?? 0 }))
    .filter((r) => r.posts > 0)
    .sort((a, b) => b.posts - a.posts);
  const shown = rows.slice(0, TOOLTIP_ROWS);
  const hidden = rows.slice(TOOLTIP_ROWS);
  return (
    <SeriesTooltip
      className="mix-tooltip"
      title={`${pointLabel(props.axis, p.x)}: ${formatCount(p.posts)} posts by ${props.groupLabel}`}
      rows={shown.map((r) => ({
        key: r.s.key,
        label: r.s.label,
        color: props.colorOf(r.s.category),
        value: `${formatPercent(r.share)} (${formatCount(r.posts)})`,
      }))}
      footer={
        hidden.length > 0 &&
        `${hidden.length} more: ${formatPercent(hidden.reduce((sum, r) => sum + r.share, 0))} (${formatCount(hidden.reduce((sum, r) => sum + r.posts, 0))})`
      }
    />
  );
}

const pointX = (p: MixPoint) => p.x;
const shareOf = (p: MixPoint, j: number) => p.shares[j] ?? 0;

function MixAreaChartImpl(props: MixAreaChartProps) {
  const { axis, points, series, colorOf } = props;
  const byX = useMemo(() => new Map(points.map((p) => [p.x, p])), [points]);
  // The series with their colours: the export legend's items and the areas' paths.
  const legendItems = useMemo(
    () => series.map((s) => ({ key: s.key, label: s.label, color: colorOf(s.category) })),
    [series, colorOf],
  );
  const tick = (v: number) => pointTick(axis, v);
  return (
    <div className="mix-area-chart">
      <ResponsiveContainer width="100%" height={props.height ?? 260}>
        <ComposedChart
          data={points as MixPoint[]}
          margin={{ top: 8, right: 12, bottom: 4, left: 0 }}
        >
          <HorizontalGrid />
          <XAxis
            dataKey="x"
            type="number"
            domain={[-0.5, Math.max(0, axis.bins - 1) + 0.5]}
            allowDataOverflow
            allowDecimals={false}
            tickFormatter={tick}
            tickCount={4}
            minTickGap={16}
            tick={{ fontSize: 11 }}
          />
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            tickFormatter={(v: number) => formatPercent(v, 0)}
            tick={{ fontSize: 11 }}
            width={40}
          />
          <Tooltip
            content={({ active, label }) => (
              <MixTooltip
                active={active}
                label={label}
                byX={byX}
                axis={axis}
                series={series}
                colorOf={colorOf}
                groupLabel={props.groupLabel}
              />
            )}
          />
          <Legend
            content={() => (
              <SwatchLegend items={legendItems} className="mix-export-legend" exportOnly />
            )}
            // Below the chart with no height of its own, so it takes no plot space (mix.css
            // clips it from the screen; the export measures and draws it).
            wrapperStyle={{ top: '100%', left: 0, height: 0 }}
          />
          <ScaleAnchor />
          <StackedAreas
            points={points}
            series={legendItems}
            x={pointX}
            value={shareOf}
            expand
            fillOpacity={0.9}
            strokeWidth={0.5}
            className="mix-areas"
          />
          <NoteLines notes={props.notes} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Memoised: only new points, series, colours or notes redraw it. */
export const MixAreaChart = memo(MixAreaChartImpl);
