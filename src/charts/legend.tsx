/**
 * A legend for charts that draw their own series (stacked-areas.tsx), in recharts' markup: the
 * SVG/PNG export (share/chart-export.ts) finds `.recharts-legend-item` and its text, and
 * redraws them into the file.
 */
import { LegendText } from '../tables/LongText.tsx';

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
