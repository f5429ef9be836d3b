/**
 * Stacked areas drawn as plain SVG paths from the chart's scales. recharts' <Area> costs a
 * dozen components, a clip path and a label-list pass per series; a content-mix multiple of
 * nine categories spent most of its ~40 ms draw there (CPU profile at scale 50). Here each
 * series is one `<path>`, bottom-up in the order given, and the chart around it keeps its axes,
 * grid, tooltip (which reads the chart's own rows) and legend.
 */
import { Line, useXAxisScale, useYAxisScale } from 'recharts';
import { shortLabel } from '../tables/LongText.tsx';
import type { LegendItem } from './legend.tsx';

const zero = () => 0;

/**
 * A series that draws nothing: recharts sets up an axis' scale only with a series on it, and the
 * chart's own series are drawn by StackedAreas.
 */
export function ScaleAnchor() {
  return (
    <Line
      dataKey={zero}
      stroke="none"
      dot={false}
      activeDot={false}
      legendType="none"
      tooltipType="none"
      isAnimationActive={false}
    />
  );
}

export interface StackedAreasProps<P> {
  points: readonly P[];
  /** Bottom-up; each path is named by the label's start, as recharts did (exports read it). */
  series: readonly LegendItem[];
  /** The point's place on the x axis. */
  x: (point: P) => number;
  /** Series `j`'s value at the point. */
  value: (point: P, j: number) => number;
  /** Each point's stack scaled to 1 (a 100% chart). */
  expand?: boolean;
  /** Steps (each value held until the next point) instead of straight lines between points. */
  step?: boolean;
  fillOpacity: number;
  strokeWidth?: number;
  className?: string;
}

/**
 * The points of a line through pixel points, as `x,y` pairs. With `step`, each value holds to
 * the midpoint between two points and changes there (d3's curveStep, recharts' type "step"),
 * the same geometry walked either way, so the bottom edge can be walked back.
 */
function through(xs: readonly number[], ys: readonly number[], step: boolean): string[] {
  const at = (x: number, y: number) => `${x.toFixed(2)},${y.toFixed(2)}`;
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (step && i > 0) {
      const mid = ((xs[i - 1] as number) + x) / 2;
      out.push(at(mid, ys[i - 1] as number), at(mid, y));
    }
    out.push(at(x, y));
  }
  return out;
}

/**
 * The top of a y axis from 0 that holds `max` in `intervals` equal, round steps (1, 2, 2.5 or
 * 5 × a power of ten): the domain recharts would have chosen from the series it no longer sees.
 */
export function niceCeiling(max: number, intervals = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / intervals;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw * (1 - 1e-12)) ?? 10) * power;
  return step * intervals;
}

/**
 * The outline (`d`) of each series' area, bottom-up: along its top edge and back along the top
 * of the series below, in pixels. `px`/`py` place a point's x and a stacked value.
 */
export function stackedPaths<P>(
  points: readonly P[],
  count: number,
  px: (point: P) => number,
  py: (v: number) => number,
  value: (point: P, j: number) => number,
  options: { expand?: boolean; step?: boolean } = {},
): string[] {
  const xs = points.map(px);
  const back = [...xs].reverse();
  const totals = points.map((p) => {
    let t = 0;
    for (let j = 0; j < count; j++) t += value(p, j);
    return t;
  });
  const y = (v: number, i: number) => {
    const t = totals[i] as number;
    return py(options.expand ? (t > 0 ? v / t : 0) : v);
  };
  const step = options.step ?? false;
  const out: string[] = [];
  const lower = points.map(() => 0);
  for (let j = 0; j < count; j++) {
    const bottom = lower.map(y);
    points.forEach((p, i) => {
      lower[i] = (lower[i] as number) + value(p, j);
    });
    const up = through(xs, lower.map(y), step);
    const down = through(back, bottom.reverse(), step);
    out.push(`M${up.join('L')}L${down.join('L')}Z`);
  }
  return out;
}

export function StackedAreas<P>(props: StackedAreasProps<P>) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  if (!xScale || !yScale || props.points.length === 0) return null;
  const px = (p: P) => Number(xScale(props.x(p)));
  if (props.points.some((p) => !Number.isFinite(px(p)))) return null;
  const paths = stackedPaths(
    props.points,
    props.series.length,
    px,
    (v) => Number(yScale(v)),
    props.value,
    { expand: props.expand, step: props.step },
  );
  return (
    <g className={props.className}>
      {props.series.map((s, j) => (
        <path
          key={s.key}
          name={shortLabel(s.label)}
          className="stacked-area"
          d={paths[j]}
          fill={s.color}
          fillOpacity={props.fillOpacity}
          stroke={s.color}
          strokeWidth={props.strokeWidth ?? 1}
        />
      ))}
    </g>
  );
}
