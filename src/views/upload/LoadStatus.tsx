/** Progress of a load in words people read, with Cancel; or what went wrong. */
import type { LoadPhase } from '../../ingest/load.ts';
import type { WorkspaceStatus } from '../../hooks/use-workspace.ts';
import { formatBytes, formatCount } from '../../format/format.ts';

const PHASES: Record<LoadPhase, string> = {
  sniff: 'Reading the header of',
  read: 'Reading',
  check: 'Checking the rows of',
  locate: 'Finding the lines of rejected rows in',
  dedupe: 'Removing duplicates from',
  done: 'Loaded',
};

export function LoadStatus({
  status,
  onCancel,
}: {
  status: WorkspaceStatus;
  onCancel: () => void;
}) {
  if (status.status === 'error')
    return (
      <p role="alert" className="error">
        {status.message}
      </p>
    );
  if (status.status === 'working')
    return (
      <p role="status" className="progress">
        {status.message}
      </p>
    );
  if (status.status !== 'loading') return null;
  const pct = status.totalBytes > 0 ? Math.round((100 * status.doneBytes) / status.totalBytes) : 0;
  const p = status.progress;
  return (
    <div className="progress" role="status" aria-live="polite">
      <progress max={100} value={pct} aria-label="Loading progress" />
      <span>
        {p
          ? `${PHASES[p.phase]} ${p.file} (file ${p.index + 1} of ${p.total}): ${formatBytes(status.doneBytes)} of ${formatBytes(status.totalBytes)}${p.rows !== undefined ? `, ${formatCount(p.rows)} rows` : ''}`
          : `Starting the database… ${formatBytes(status.totalBytes)} to read`}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
