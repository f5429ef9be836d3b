/**
 * The Data tab: what the app needs (first run), what is stored and how to clear it, loading more
 * exports, progress, the ingest report, and the next step once data is in.
 */
import type { useWorkspace } from '../../hooks/use-workspace.ts';
import { formatBytes, formatCount } from '../../format/format.ts';
import { SAMPLE_FILES } from '../../hooks/sample.ts';
import { UploadView } from './UploadView.tsx';
import { IngestReportView } from './IngestReportView.tsx';
import { LoadStatus } from './LoadStatus.tsx';
import { StorageStatus } from './StorageStatus.tsx';

type Workspace = ReturnType<typeof useWorkspace>;

export function DataView(props: {
  workspace: Workspace;
  snapshotOpen: boolean;
  onOpenSnapshot: (encoded: string) => void;
  onNext: () => void;
}) {
  const ws = props.workspace;
  const report = ws.report;
  const busy = ws.status.status === 'loading' || ws.status.status === 'working';
  const loaded = report?.files.filter((f) => !f.error) ?? [];
  return (
    <>
      {!report && !busy && <FirstRun />}
      <StorageStatus workspace={ws} />
      {report && (report.signups > 0 || report.posts > 0) && (
        <section className="panel next-step" aria-label="Next step">
          <p>
            Loaded {formatCount(report.signups)} signups and {formatCount(report.posts)} posts from{' '}
            {loaded.length} file{loaded.length === 1 ? '' : 's'} (
            {formatBytes(loaded.reduce((s, f) => s + (f.size ?? 0), 0))}).{' '}
            {ws.prep.ready
              ? 'The views are ready.'
              : ws.prep.error
                ? `The views read the tables directly (slower): preparing them failed (${ws.prep.error.split('\n')[0]?.slice(0, 200) ?? ''}).`
                : 'Preparing the views…'}
          </p>
          <button type="button" className="primary" onClick={props.onNext}>
            Go to Waves
          </button>
        </section>
      )}
      {!props.snapshotOpen && (
        <UploadView
          busy={busy}
          loaded={report?.files ?? []}
          onLoad={(items, mode) => void ws.load(items, mode)}
          onOpenSnapshot={props.onOpenSnapshot}
        />
      )}
      <LoadStatus status={ws.status} onCancel={() => void ws.cancel()} />
      {report && (
        <IngestReportView report={report} busy={busy} onRemove={(id) => void ws.remove(id)} />
      )}
    </>
  );
}

/** What the app needs, before anything is loaded. */
function FirstRun() {
  return (
    <section className="panel first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">What Surgescope needs</h2>
      <p>Two kinds of CSV export, each possibly split over several files:</p>
      <ul>
        <li>
          <strong>Signups</strong>: a user id and a signup time per row (for example{' '}
          <code>user_id,signup_at,country,source</code>). Other columns become segments to filter
          and break down by.
        </li>
        <li>
          <strong>Posts</strong>: an author id, a post time and a category per row, optionally a
          post id (for example <code>post_id,author_id,created_ms,topic,language</code>).
        </li>
      </ul>
      <p className="muted">
        Headers are recognised by common names (User ID, uid, author_id, Sign-up Time, created_ms,
        topic, …) and can be mapped by hand. Times may be ISO 8601 (with or without an offset) or
        epoch seconds or milliseconds. The sample shows the shape:{' '}
        {SAMPLE_FILES.map((f, i) => (
          <span key={f.name}>
            {i > 0 && ', '}
            <a href={f.url} target="_blank" rel="noreferrer">
              {f.name}
            </a>
          </span>
        ))}
        .
      </p>
    </section>
  );
}
