/** What the link says about the data: a snapshot, or a view of data that is not loaded. */
import type { SnapshotState } from '../hooks/use-snapshot.ts';
import { appHome } from '../share/app-url.ts';
import { formatCount } from '../format/format.ts';
import { fingerprintCounts } from '../state/fingerprint.ts';

export function DataBanner(props: {
  snapshot: SnapshotState;
  linkFingerprint: string | null;
  hasData: boolean;
}) {
  const { snapshot } = props;
  if (snapshot.status === 'opening')
    return (
      <p className="snapshot-banner" role="status">
        Opening the snapshot…
      </p>
    );
  if (snapshot.status === 'error') {
    return (
      <p className="notice" role="alert">
        {snapshot.message} <a href={appHome()}>Open Surgescope without it</a>.
      </p>
    );
  }
  if (snapshot.status === 'open') {
    const counts = snapshot.snapshot.fingerprint
      ? fingerprintCounts(snapshot.snapshot.fingerprint)
      : null;
    const privacy = snapshot.snapshot.privacy;
    return (
      <>
        {(snapshot.snapshot.title || snapshot.snapshot.note) && (
          <div className="snapshot-text-shown" data-testid="snapshot-title">
            {snapshot.snapshot.title && <h2>{snapshot.snapshot.title}</h2>}
            {snapshot.snapshot.note && <p className="snapshot-note">{snapshot.snapshot.note}</p>}
          </div>
        )}
        <p className="snapshot-banner" role="note" data-testid="snapshot-banner">
          <strong>Snapshot, read-only</strong>, made{' '}
          {snapshot.snapshot.created.slice(0, 16).replace('T', ' ')} UTC
          {counts
            ? ` from ${formatCount(counts.signups)} signups and ${formatCount(counts.posts)} posts`
            : ''}
          . No data is loaded: the charts show the results saved in the link, and the controls that
          would need the data are turned off.{' '}
          {privacy && (
            <span data-testid="snapshot-privacy">
              Counts of fewer than {privacy.k} people are folded into Other or hidden
              {privacy.folded + privacy.hidden > 0
                ? ` (${privacy.folded.toLocaleString('en-US')} folded, ${privacy.hidden.toLocaleString('en-US')} hidden)`
                : ''}
              .{' '}
            </span>
          )}
          <a href={appHome()}>Load data instead</a>.
        </p>
      </>
    );
  }
  if (!props.hasData && props.linkFingerprint) {
    const counts = fingerprintCounts(props.linkFingerprint);
    return (
      <p className="notice" role="note" data-testid="link-data-missing">
        This link shows a view of a dataset
        {counts
          ? ` with ${formatCount(counts.signups)} signups and ${formatCount(counts.posts)} posts`
          : ''}{' '}
        that is not loaded here. Load the same files (Data tab) to see exactly that view.
      </p>
    );
  }
  return null;
}
