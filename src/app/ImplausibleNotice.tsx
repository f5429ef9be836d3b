/**
 * Rows whose timestamps lie outside the plausible range (ingest/plausible.ts) are loaded and
 * counted but left out of every chart: each analysis view says so, with the count, so that a
 * missing row is never a silent one.
 */
import { formatCount } from '../format/format.ts';
import { PLAUSIBLE_RANGE_TEXT } from '../ingest/plausible.ts';
import type { IngestReport } from '../ingest/report.ts';

export function ImplausibleNotice(props: { report: IngestReport | null }) {
  const n = props.report?.implausible;
  if (!n || n.signups + n.posts === 0) return null;
  const parts = [
    n.signups > 0 ? `${formatCount(n.signups)} signup${n.signups === 1 ? '' : 's'}` : null,
    n.posts > 0 ? `${formatCount(n.posts)} post${n.posts === 1 ? '' : 's'}` : null,
  ].filter(Boolean);
  return (
    <p className="notice" role="note" data-testid="implausible-notice">
      Left out of these charts: {parts.join(' and ')} with a timestamp outside{' '}
      {PLAUSIBLE_RANGE_TEXT} (a sentinel such as 1970-01-01, or a typo). They are loaded and
      counted; the Data tab lists their lines.
    </p>
  );
}
