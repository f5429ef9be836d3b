/**
 * Keys for charts that draw their own series (stacked-areas.tsx): a legend in recharts' markup
 * (the SVG/PNG export, share/chart-export.ts, finds `.recharts-legend-item` and its text and
 * redraws them into the file), and a tooltip listing series with their swatches.
 */
import type { ReactNode } from 'react';
import { LegendText, LongText } from '../tables/LongText.tsx';

export interface LegendItem {
  key: string;
  /** The full name (the legend shows its start, the whole on hover). */
  label: string;
  color: string;
}

export function SwatchLegend(props: {
  items: readonly LegendItem[];
  className?: string;
  /** Laid out for the export only (the page shows a legend of its own). */
  exportOnly?: boolean;
}) {
  return (
    <ul
      className={`recharts-default-legend swatch-legend${props.className ? ` ${props.className}` : ''}`}
      aria-hidden={props.exportOnly || undefined}
    >
      {props.items.map((item) => (
        <li key={item.key} className="recharts-legend-item">
          <svg width={10} height={10} viewBox="0 0 10 10" aria-hidden="true">
            <rect width={10} height={10} fill={item.color} />
          </svg>
          <span className="recharts-legend-item-text">
            <LegendText text={item.label} />
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A tooltip: a title, then a swatch, the name (cut, whole on hover) and a value per series. */
export function SeriesTooltip(props: {
  className: string;
  title: ReactNode;
  rows: readonly (LegendItem & { value: ReactNode })[];
  /** A last line after the rows (what they leave out). */
  footer?: ReactNode;
}) {
  return (
    <div className={`chart-tooltip series-tooltip ${props.className}`}>
      <p className="series-tooltip-title">{props.title}</p>
      <ul>
        {props.rows.map((r) => (
          <li key={r.key}>
            <span className="swatch" style={{ background: r.color }} aria-hidden="true" />
            <LongText className="series-tooltip-name" text={r.label} />{' '}
            <span className="series-tooltip-value">{r.value}</span>
          </li>
        ))}
        {props.footer && <li className="muted">{props.footer}</li>}
      </ul>
    </div>
  );
}
