/**
 * A series per bucket with the frame of the surge: the baseline band, the series' own threshold,
 * wave bands (buttons) labelled with their peak multiple, cumulative totals and the analyst's
 * notes. The x axis is the bucket index, so every layer shares one scale. Below it, an overview
 * of the whole series carries the brush: the brush IS the date range (it always shows the range
 * in force, and can be dragged wider again).
 */
import { memo, useMemo, useRef } from 'react';
import {
  Area,
  AreaChart,
  Brush,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { HorizontalGrid } from './grid.tsx';
import { StagedList } from '../hooks/use-stage.tsx';
import type { SeriesPoint } from '../metrics/series.ts';
import type { WaveResult } from '../metrics/waves.ts';
import { inWindow } from '../metrics/waves.ts';
import { formatAxis, formatBucket, formatCount, formatMultiple } from '../format/format.ts';
import { NoteLines, SeriesBars, WaveBands } from './frame-layer.tsx';
import type { BandSpec, NoteSpec } from './frame-layer.tsx';

/** Above this many buckets the series draws as one step area instead of a bar each. */
const MAX_BARS = 150;
/** The overview never hands recharts more points than this (it is a navigation aid). */
const MAX_OVERVIEW = 600;

export interface WavesChartProps {
  /** The whole series (the filtered one, over the whole data's buckets). */
  series: readonly SeriesPoint[];
  /** Its waves read through the frame, and the frame's baseline window. */
  view: WaveResult | null;
  granularity: 'hour' | 'day' | 'week' | 'month';
  unit: string;
  /** Inclusive date range in force (null ends: the whole series). */
  from: string | null;
  to: string | null;
  onRange: (from: string | null, to: string | null) => void;
  selectedWave: number | null;
  onSelectWave: (i: number) => void;
  notes: readonly { at: string; text: string }[];
}

interface Row {
  i: number;
  bucket_start: string;
  value: number;
  cumulative: number;
}

const dateOf = (label: string) => label.slice(0, 10);

/** The index of the bucket holding a note (its label or date), or -1. */
function noteIndex(series: readonly SeriesPoint[], at: string): number {
  let found = -1;
  for (let i = 0; i < series.length; i++) {
    const b = (series[i] as SeriesPoint).bucket_start;
    if (b > at && dateOf(b) > dateOf(at)) break;
    if (b <= at || dateOf(b) === at) found = i;
  }
  return found;
}

function WavesChartImpl(props: WavesChartProps) {
  const { series, view, granularity } = props;
  const rows = useMemo(() => {
    const out: Row[] = [];
    let total = 0;
    series.forEach((b, i) => {
      total += b.value;
      out.push({ i, bucket_start: b.bucket_start, value: b.value, cumulative: total });
    });
    return out;
  }, [series]);
  const lo = props.from
    ? Math.max(
        0,
        rows.findIndex((r) => dateOf(r.bucket_start) >= (props.from as string)),
      )
    : 0;
  const hiFound = props.to
    ? rows.findLastIndex((r) => dateOf(r.bucket_start) <= (props.to as string))
    : rows.length - 1;
  const hi = hiFound >= lo ? hiFound : rows.length - 1;
  const visible = useMemo(() => rows.slice(lo, hi + 1), [rows, lo, hi]);
  const overview = useMemo(() => {
    const step = Math.ceil(rows.length / MAX_OVERVIEW);
    if (step <= 1) return rows;
    const out: Row[] = [];
    for (let i = 0; i < rows.length; i += step) {
      const bin = rows.slice(i, i + step);
      out.push({ ...(bin[0] as Row), value: Math.max(...bin.map((r) => r.value)) });
    }
    return out;
  }, [rows]);
  const baseline = view?.baseline;
  const base = useMemo(() => {
    if (!baseline) return null;
    const idx = rows.filter((r) => inWindow(r.bucket_start, baseline)).map((r) => r.i);
    return idx.length ? { from: idx[0] as number, to: idx[idx.length - 1] as number } : null;
  }, [rows, baseline]);
  const bands = useMemo<BandSpec[]>(() => {
    const index = new Map(rows.map((r) => [r.bucket_start, r.i]));
    return (view?.waves ?? []).map((w, n) => {
      const label = w.peak_multiple === null ? `#${n + 1}` : formatMultiple(w.peak_multiple);
      return {
        from: index.get(w.start) ?? 0,
        to: index.get(w.end) ?? 0,
        label,
        // The visible label is part of the name, as written (WCAG 2.5.3, label in name).
        description: `Wave ${n + 1}, ${label}${w.peak_multiple === null ? '' : ' the baseline median'}: ${formatBucket(w.start, granularity)} to ${formatBucket(w.end, granularity)}, peak ${formatCount(w.peak_signups)} ${props.unit} on ${formatBucket(w.peak, granularity)}. Select to see who drove it.`,
        selected: props.selectedWave === n,
      };
    });
  }, [rows, view, granularity, props.unit, props.selectedWave]);
  const notes = useMemo<NoteSpec[]>(
    () =>
      props.notes
        .map((n) => ({ at: noteIndex(series, n.at), text: `${n.at.replace('T', ' ')}: ${n.text}` }))
        .filter((n) => n.at >= 0),
    [props.notes, series],
  );
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  if (rows.length === 0) return null;
  const label = (i: unknown) => {
    // The axis runs half a bucket past the range: a tick there names no bucket of the range.
    const k = Math.round(Number(i));
    const r = k >= lo && k <= hi ? rows[k] : undefined;
    return r ? formatBucket(r.bucket_start, granularity) : '';
  };
  const bars = visible.length <= MAX_BARS;
  const top = 18 + 15 * Math.min(3, Math.max(0, bands.length - 1));
  const main = (
    <div data-export="main">
      <ResponsiveContainer width="100%" height={340}>
        <ComposedChart
          data={visible}
          margin={{ top: top + 8, right: 16, bottom: 8, left: 8 }}
          accessibilityLayer={false}
        >
          <HorizontalGrid />
          <XAxis
            dataKey="i"
            type="number"
            domain={[lo - 0.5, hi + 0.5]}
            allowDataOverflow
            allowDecimals={false}
            tickFormatter={label}
            tickCount={8}
            minTickGap={24}
            tick={{ fontSize: 12 }}
          />
          <YAxis
            yAxisId="n"
            tick={{ fontSize: 12 }}
            tickFormatter={(v: number) => formatAxis(v)}
            width={52}
          />
          <YAxis
            yAxisId="cum"
            orientation="right"
            tick={{ fontSize: 12 }}
            tickFormatter={(v: number) => formatAxis(v)}
            width={52}
          />
          <Tooltip
            labelFormatter={label}
            formatter={(v, name) => [
              formatCount(Number(v)),
              name === 'cumulative' ? `cumulative ${props.unit}` : props.unit,
            ]}
            wrapperClassName="chart-tooltip"
            separator=": "
          />
          {base && (
            <ReferenceArea
              yAxisId="n"
              x1={base.from - 0.5}
              x2={base.to + 0.5}
              className="baseline-band"
              ifOverflow="hidden"
            />
          )}
          {bars ? (
            // The axis' domain and the tooltip's entry; SeriesBars (below) draws the bars.
            <Line
              yAxisId="n"
              dataKey="value"
              name={props.unit}
              stroke="none"
              dot={false}
              activeDot={false}
              legendType="none"
              isAnimationActive={false}
            />
          ) : (
            <Area
              yAxisId="n"
              type="step"
              dataKey="value"
              name={props.unit}
              className="series-area"
              isAnimationActive={false}
            />
          )}
          <Line
            yAxisId="cum"
            dataKey="cumulative"
            name="cumulative"
            dot={false}
            className="cumulative-line"
            isAnimationActive={false}
          />
          {baseline && (
            <ReferenceLine
              yAxisId="n"
              y={baseline.threshold}
              className="threshold-line"
              strokeDasharray="6 3"
              label={{ value: 'threshold', position: 'insideTopRight', fontSize: 11 }}
            />
          )}
          <WaveBands bands={bands} onSelect={props.onSelectWave} />
          {/* Over the bands, as recharts drew its bars; a click goes through to the band. */}
          {bars && <SeriesBars rows={visible} yAxisId="n" className="series-bar" />}
          <NoteLines notes={notes} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
  const overviewChart = rows.length > 1 && (
    <div className="overview" data-export="skip">
      <ResponsiveContainer width="100%" height={64}>
        {/* Keyed on its length: recharts' Brush keeps positions from the previous data and
                draws NaN when the bucket count changes under it. */}
        <AreaChart
          key={overview.length}
          // The brush's handles and the From/To fields are its keyboard access.
          accessibilityLayer={false}
          data={overview}
          margin={{ top: 4, right: 68, bottom: 0, left: 60 }}
        >
          <XAxis dataKey="i" hide />
          <YAxis hide />
          <Area type="step" dataKey="value" className="overview-area" isAnimationActive={false} />
          <Brush
            dataKey="i"
            height={28}
            startIndex={Math.max(
              0,
              overview.findLastIndex((r) => r.i <= lo),
            )}
            endIndex={Math.max(
              0,
              overview.findLastIndex((r) => r.i <= hi),
            )}
            tickFormatter={label}
            className="range-brush"
            onChange={(r) => {
              if (timer.current) clearTimeout(timer.current);
              timer.current = setTimeout(() => {
                const a = overview[r.startIndex ?? 0];
                const b = overview[r.endIndex ?? overview.length - 1];
                if (!a || !b) return;
                const whole = a.i === 0 && b.i === (overview[overview.length - 1] as Row).i;
                const end = rows[
                  Math.min(
                    rows.length - 1,
                    b.i +
                      (overview.length < rows.length
                        ? Math.ceil(rows.length / overview.length) - 1
                        : 0),
                  )
                ] as Row;
                if (whole) props.onRange(null, null);
                else props.onRange(dateOf(a.bucket_start), dateOf(end.bucket_start));
              }, 200);
            }}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
  return (
    <div className="waves-chart">
      {/* The chart, then its overview, each in a task of its own after the view around
          them (use-stage.tsx). */}
      <StagedList
        stageKey={series}
        after={1}
        items={[
          { key: 'main', node: main, height: 340 },
          { key: 'overview', node: overviewChart, height: 64 },
        ]}
      />
    </div>
  );
}

/** Memoised: a hover elsewhere on the page never redraws the chart. */
export const WavesChart = memo(WavesChartImpl);
