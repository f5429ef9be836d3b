/** The summary sentence: period-1 retention of each wave group, surge groups vs before it. */
import { Fragment } from 'react';
import { formatBucket, formatCount, formatPercent } from '../../format/format.ts';
import type { GroupSpans } from '../../metrics/frame.ts';
import { GROUP_BEFORE } from '../../metrics/frame.ts';
import type { CohortGranularity, Granularity } from '../../metrics/params.ts';
import { groupSpan, missingReason } from '../../charts/retention-curves-data.ts';
import type { CurveSeries, RetentionMode } from '../../charts/retention-curves-data.ts';

export interface RetentionSummaryProps {
  /** The wave groups' average curves, every group of the frame (retention-curves-data). */
  groups: readonly CurveSeries[];
  spans: GroupSpans;
  g: CohortGranularity;
  mode: RetentionMode;
  /** Where the last (partial) cohort bucket starts: tells "no users" from "not complete yet". */
  lastBucketStartUtcMs: number;
  surgeStart: string | null;
  /** The Waves granularity whose frame defines the wave spans. */
  frameGranularity: Granularity;
}

/** "Week-1 retention" for people. */
export const periodUnit = (g: CohortGranularity, k: number) =>
  `${g[0]?.toUpperCase()}${g.slice(1)}-${k} retention`;

/** One group's rate with its interval and users, or n/a with the reason. */
export function GroupRate(props: {
  series: CurveSeries;
  k: number;
  g: CohortGranularity;
  spans: GroupSpans | null;
  lastBucketStartUtcMs: number;
  /** Lead with the series' name (the summary sentence); a table row names it already. */
  named?: boolean;
}) {
  const { series, k, g, spans, lastBucketStartUtcMs, named = true } = props;
  const name = named ? `${series.name} ` : '';
  const p = series.points.find((x) => x.period === k);
  if (!p || p.retention === null)
    return (
      <>
        {name}n/a (
        {missingReason(
          series,
          k,
          g,
          spans ? groupSpan(series.id, spans) : null,
          lastBucketStartUtcMs,
        )}
        )
      </>
    );
  return (
    <>
      {name}
      <strong>{formatPercent(p.retention)}</strong> (95% CI {formatPercent(p.low)}–
      {formatPercent(p.high)}, {formatCount(p.size)} users)
    </>
  );
}

export function RetentionSummary(props: RetentionSummaryProps) {
  const { groups, spans, g, mode, lastBucketStartUtcMs, surgeStart, frameGranularity } = props;
  const unit = periodUnit(g, 1);
  const how = mode === 'on' ? `posted during ${g} 1` : `posted in ${g} 1 or later`;
  const rate = (s: CurveSeries) => (
    <GroupRate series={s} k={1} g={g} spans={spans} lastBucketStartUtcMs={lastBucketStartUtcMs} />
  );
  const before = groups.find((s) => s.id === GROUP_BEFORE);
  if (spans.surgeUtcMs === null || !surgeStart) {
    return (
      <p className="summary" data-testid="retention-summary">
        No surge start: no wave was detected and none is set, so all users form one group. {unit}{' '}
        (users who {how}): {before ? rate(before) : 'n/a (no users)'}. Averages weigh each cohort by
        its size, over complete cells only.
      </p>
    );
  }
  const surge = groups.filter((s) => s.id !== GROUP_BEFORE);
  return (
    <p className="summary" data-testid="retention-summary">
      {unit} (users who {how}):{' '}
      {surge.map((s, i) => (
        <Fragment key={s.id}>
          {i > 0 && '; '}
          {rate(s)}
        </Fragment>
      ))}{' '}
      vs {before ? rate(before) : 'before the surge n/a (no users)'}. Users are grouped by the wave
      span their signup falls in, on the Waves view&rsquo;s {frameGranularity} frame (surge start{' '}
      {formatBucket(surgeStart)}). Averages weigh each cohort by its size, over complete cells only.
    </p>
  );
}
