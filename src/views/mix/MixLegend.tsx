/** The one legend of the category-share multiples: each shown category's colour, then Other. */
import type { MixSeries } from '../../charts/mix-buckets.ts';
import { LongText } from '../../tables/LongText.tsx';

export function MixLegend(props: {
  series: readonly MixSeries[];
  colorOf: (category: string | null) => string;
}) {
  return (
    <ul className="mix-legend" aria-label="Category colours">
      {props.series.map((s) => (
        <li key={s.key} className={s.category === null ? 'mix-legend-other' : undefined}>
          <span
            className="swatch"
            style={{ background: props.colorOf(s.category) }}
            aria-hidden="true"
          />
          <LongText text={s.label} />
        </li>
      ))}
    </ul>
  );
}
