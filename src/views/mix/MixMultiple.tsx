/** One small multiple of the Content mix: an author group's category shares over time. */
import { useMemo } from 'react';
import { ChartFrame } from '../../charts/ChartFrame.tsx';
import { mixTable } from '../../charts/chart-data.ts';
import { MixAreaChart } from '../../charts/MixAreaChart.tsx';
import type { MixAreaChartProps } from '../../charts/MixAreaChart.tsx';
import { GROUP_LABELS } from '../../charts/mix-buckets.ts';
import type { AuthorGroup } from '../../metrics/params.ts';

const TITLE: Record<AuthorGroup, string> = {
  all: 'All authors',
  new: 'Newcomers',
  existing: 'Existing authors',
};

export interface MixMultipleProps extends Omit<MixAreaChartProps, 'groupLabel' | 'height'> {
  group: AuthorGroup;
  /** The filters line of its exports (the Authors line names the group). */
  filters: string;
  busy: boolean;
}

export function MixMultiple({ group, filters, busy, ...chart }: MixMultipleProps) {
  const { axis, points, series } = chart;
  const table = useMemo(() => mixTable(axis, points, series, group), [axis, points, series, group]);
  const label = GROUP_LABELS[group];
  return (
    <div className="mix-multiple">
      <h4>{TITLE[group]}</h4>
      {points.length === 0 ? (
        <p className="empty">No posts by {label} match these filters.</p>
      ) : (
        <ChartFrame
          title={`Category shares, ${label}`}
          filters={filters}
          fileName={`category-shares-${group}`}
          ariaLabel={`Category shares of posts by ${label} over time`}
          busy={busy}
          table={table}
        >
          <MixAreaChart {...chart} groupLabel={label} />
        </ChartFrame>
      )}
    </div>
  );
}
