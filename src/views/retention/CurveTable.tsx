/**
 * The curves as a table beside the chart: each series with its colour (the chart's), its users
 * and its period-1 retention with the Wilson interval, or n/a with the reason; and the whole
 * curves as a CSV download.
 */
import { memo, useId } from 'react';
import type { CSSProperties } from 'react';
import { exportRounded, exportValue, formatCount, humanLabel } from '../../format/format.ts';
import type { GroupSpans } from '../../metrics/frame.ts';
import type { CohortGranularity } from '../../metrics/params.ts';
import type { CurveSeries, RetentionMode } from '../../charts/retention-curves-data.ts';
import { toSafeCsv } from '../../share/csv-export.ts';
import { downloadText } from '../../share/download.ts';
import { LongText } from '../../tables/LongText.tsx';
import { GroupRate, periodUnit } from './RetentionSummary.tsx';

export interface CurveTableProps {
  series: readonly CurveSeries[];
  /** What the averages are split by, for people ("wave group", a column name). */
  by: string;
  /** The frame's spans when the averages are wave groups (for the n/a reasons). */
  spans: GroupSpans | null;
  g: CohortGranularity;
  mode: RetentionMode;
  lastBucketStartUtcMs: number;
}

/** Every point of every average curve, one line each, for a spreadsheet. */
export function curvesCsv(series: readonly CurveSeries[], by: string, mode: RetentionMode) {
  const headers = [
    by,
    humanLabel('period'),
    'Users (complete cohorts)',
    humanLabel(mode === 'on' ? 'active_users' : 'active_on_or_after'),
    `${humanLabel(mode === 'on' ? 'retention' : 'retention_on_or_after')} (%)`,
    `${humanLabel('ci_low')} (%)`,
    `${humanLabel('ci_high')} (%)`,
  ];
  const rows = series
    .filter((s) => s.average)
    .flatMap((s) =>
      s.points.map((p) => [
        s.name,
        p.period,
        exportValue(p.size, 'count'),
        exportValue(p.active, 'count'),
        exportRounded(p.retention, 1, 100),
        exportRounded(p.low, 1, 100),
        exportRounded(p.high, 1, 100),
      ]),
    );
  return toSafeCsv(headers, rows);
}

const swatch = (s: CurveSeries) => (
  <span
    aria-hidden="true"
    className={`ret-swatch${s.average ? '' : ' ret-dashed'}`}
    style={{ '--swatch': s.color } as CSSProperties}
  />
);

export const CurveTable = memo(function CurveTable(props: CurveTableProps) {
  const { series, by, spans, g, mode, lastBucketStartUtcMs } = props;
  const uid = useId();
  const users = (s: CurveSeries) => {
    const p0 = s.points.find((p) => p.period === 0) ?? s.points[0];
    return p0?.size === undefined ? '—' : formatCount(p0.size);
  };
  return (
    <div className="data-table">
      <table className="ret-curves" aria-labelledby={`${uid}-caption`}>
        <caption id={`${uid}-caption`}>
          Curves by {by}
          <button
            type="button"
            className="small"
            onClick={() => downloadText(`retention-curves-${g}.csv`, curvesCsv(series, by, mode))}
          >
            Download CSV
          </button>
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <LongText text={by === 'wave group' ? 'Group' : by} />
            </th>
            <th scope="col" className="ret-num">
              Users (complete cohorts)
            </th>
            <th scope="col">{periodUnit(g, 1)} (95% CI, users)</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.key} data-series={s.id}>
              <th scope="row">
                {swatch(s)}
                <LongText text={s.name} />
              </th>
              <td className="ret-num">{users(s)}</td>
              <td>
                <GroupRate
                  series={s}
                  named={false}
                  k={1}
                  g={g}
                  spans={s.average ? spans : null}
                  lastBucketStartUtcMs={lastBucketStartUtcMs}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Lines are averages weighted by cohort size over complete cells, with shaded 95% Wilson
        intervals; dashed lines are the cohorts ticked in the triangle.
      </p>
    </div>
  );
});
