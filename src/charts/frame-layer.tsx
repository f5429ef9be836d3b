/**
 * Layers drawn inside a recharts chart whose x axis is the bucket index: wave bands that are
 * buttons (one tab stop, arrow keys between them, Enter or Space selects, the pointer says so) with peak labels that never
 * overlap, and the analyst's dated notes as labelled lines. They read the chart's scales through
 * recharts' hooks, so they line up with the bars at any zoom.
 */
import type { KeyboardEvent } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { estimateWidth, layoutLabels } from './label-layout.ts';

export interface BandSpec {
  /** First and last bucket index (inclusive) in the chart's data. */
  from: number;
  to: number;
  label: string;
  /** What a screen reader says for the band. */
  description: string;
  selected: boolean;
}

const FONT = 12;
const ROW = 15;

/** Clickable, focusable wave bands with non-overlapping labels above the plot. */
export function WaveBands(props: { bands: readonly BandSpec[]; onSelect: (i: number) => void }) {
  const x = useXAxisScale();
  const plot = usePlotArea();
  if (!x || !plot) return null;
  const boxes = props.bands.map((b) => {
    const left = Number(x(b.from - 0.5));
    const right = Number(x(b.to + 0.5));
    return { left, right, x: (left + right) / 2, width: estimateWidth(b.label, FONT) };
  });
  // The scale can answer NaN while recharts settles a new domain: draw nothing until it is real.
  if (boxes.some((b) => !Number.isFinite(b.left) || !Number.isFinite(b.right))) return null;
  const rows = layoutLabels(boxes);
  // One tab stop for all the bands (the selected one, else the first); arrows move between them.
  const stop = Math.max(
    0,
    props.bands.findIndex((b) => b.selected),
  );
  const key = (i: number) => (e: KeyboardEvent<SVGGElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onSelect(i);
      return;
    }
    const n = props.bands.length;
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? Math.min(n - 1, i + 1)
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? Math.max(0, i - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : null;
    if (to === null) return;
    e.preventDefault();
    const next = e.currentTarget.parentElement?.children[to];
    if (next instanceof SVGElement) next.focus();
  };
  return (
    <g className="wave-bands">
      {props.bands.map((b, i) => {
        const box = boxes[i] as (typeof boxes)[number];
        const row = rows[i] as number;
        const left = Math.max(plot.x, box.left);
        const width = Math.max(2, Math.min(plot.x + plot.width, box.right) - left);
        return (
          <g
            key={`${b.from}-${b.to}`}
            role="button"
            tabIndex={i === stop ? 0 : -1}
            aria-pressed={b.selected}
            aria-label={b.description}
            className={`wave-band${b.selected ? ' selected' : ''}`}
            onClick={() => props.onSelect(i)}
            onKeyDown={key(i)}
          >
            <title>{b.description}</title>
            <rect x={left} y={plot.y} width={width} height={plot.height} />
            {row >= 0 && (
              <text
                x={box.x}
                y={plot.y - 4 - row * ROW}
                textAnchor="middle"
                fontSize={FONT}
                className="wave-label"
              >
                {b.label}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}

/**
 * The series as bars: a plain `<rect>` per bucket, 80% of the bucket wide. recharts' own <Bar>
 * makes five components and a clip layer per bar; at a hundred buckets that was a fifth of the
 * Waves chart's draw. The chart keeps a line with no stroke on `value` for the axis' domain
 * and the tooltip.
 */
export function SeriesBars(props: {
  rows: readonly { i: number; value: number }[];
  yAxisId: string;
  className: string;
}) {
  const x = useXAxisScale();
  const y = useYAxisScale(props.yAxisId);
  const plot = usePlotArea();
  if (!x || !y || !plot) return null;
  const zero = Number(y(0));
  const width = Math.abs(Number(x(1)) - Number(x(0))) * 0.8;
  if (!Number.isFinite(zero) || !Number.isFinite(width)) return null;
  return (
    <g className={props.className}>
      {props.rows.map((r) => {
        const top = Number(y(r.value));
        const left = Number(x(r.i)) - width / 2;
        if (!Number.isFinite(top) || !Number.isFinite(left)) return null;
        return (
          <rect
            key={r.i}
            className="series-bar-rect"
            x={left}
            y={Math.min(top, zero)}
            width={width}
            height={Math.abs(zero - top)}
          />
        );
      })}
    </g>
  );
}

export interface NoteSpec {
  /** Bucket index the note falls in. */
  at: number;
  text: string;
}

/** The analyst's dated notes: a dashed line each, labels kept apart (full text on hover). */
export function NoteLines(props: { notes: readonly NoteSpec[] }) {
  const x = useXAxisScale();
  const plot = usePlotArea();
  if (!x || !plot || props.notes.length === 0) return null;
  const shown = props.notes.map((n) => (n.text.length > 28 ? `${n.text.slice(0, 27)}…` : n.text));
  const boxes = props.notes.map((n, i) => ({
    x: Number(x(n.at)),
    width: estimateWidth(shown[i] as string, 11),
  }));
  if (boxes.some((b) => !Number.isFinite(b.x))) return null;
  const rows = layoutLabels(boxes, 2);
  return (
    <g className="note-lines" aria-hidden="true">
      {props.notes.map((n, i) => {
        const px = (boxes[i] as (typeof boxes)[number]).x;
        if (px < plot.x || px > plot.x + plot.width) return null;
        const row = rows[i] as number;
        return (
          <g key={`${n.at}-${i}`}>
            <title>{n.text}</title>
            <line
              x1={px}
              x2={px}
              y1={plot.y}
              y2={plot.y + plot.height}
              className="note-line"
              strokeDasharray="4 3"
            />
            {row >= 0 && (
              <text x={px + 3} y={plot.y + 12 + row * 13} fontSize={11} className="note-label">
                {shown[i]}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}
