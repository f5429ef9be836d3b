/** The ingest report: per-file accounting, dataset facts and the rejected rows. */
import type { FileReport, IngestReport } from '../../ingest/report.ts';
import { toSafeCsv } from '../../share/csv-export.ts';
import { downloadText } from '../../share/download.ts';

/** Every listed reject of a file as formula-safe CSV. */
function downloadRejects(f: FileReport) {
  const rows = f.rejects.map((r) => [r.line, r.reason, r.raw ?? '']);
  downloadText(
    `${f.file.replace(/\.[^.]+$/, '')}-rejects.csv`,
    toSafeCsv(['line', 'reason', 'text'], rows),
  );
}

export function IngestReportView({ report }: { report: IngestReport }) {
  return (
    <section className="panel" aria-labelledby="report-title">
      <h2 id="report-title">Ingest report</h2>
      <dl className="facts">
        <div>
          <dt>Signups (users)</dt>
          <dd data-testid="fact-signups">{report.signups.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Posts</dt>
          <dd data-testid="fact-posts">{report.posts.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Data ends</dt>
          <dd data-testid="fact-end">{report.dataset_end ?? '—'}</dd>
        </div>
        <div>
          <dt>Authors missing from signups</dt>
          <dd data-testid="fact-unknown-authors">
            {report.authors_not_in_signups.toLocaleString()} (
            {report.posts_by_unknown_authors.toLocaleString()} posts)
          </dd>
        </div>
        <div>
          <dt>Posts before their author&apos;s signup</dt>
          <dd data-testid="fact-before-signup">{report.posts_before_signup.toLocaleString()}</dd>
        </div>
      </dl>
      <table className="numbers" data-testid="files-table">
        <caption>Files, in load order</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Table</th>
            <th scope="col">Read</th>
            <th scope="col">Loaded</th>
            <th scope="col">Rejected</th>
            <th scope="col">Duplicates</th>
          </tr>
        </thead>
        <tbody>
          {report.files.map((f, i) => (
            <tr key={`${f.file}-${i}`} className={f.error ? 'has-error' : undefined}>
              <th scope="row">{f.file}</th>
              <td>{f.table ?? '—'}</td>
              <td>{f.rows_read.toLocaleString()}</td>
              <td>{f.rows_loaded.toLocaleString()}</td>
              <td>{f.rows_rejected.toLocaleString()}</td>
              <td>{f.duplicates.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.files.map((f, i) =>
        f.error || f.rejects.length > 0 ? (
          <details key={`${f.file}-rejects-${i}`} open={Boolean(f.error)}>
            <summary>
              {f.file}:{' '}
              {f.error ? 'not loaded' : `${f.rows_rejected.toLocaleString()} rejected rows`}
            </summary>
            {f.error && (
              <p role="alert" className="error">
                {f.error}
              </p>
            )}
            {f.rejects.length > 0 && (
              <button type="button" className="small" onClick={() => downloadRejects(f)}>
                Download rejected rows of {f.file} (CSV)
              </button>
            )}
            {f.rejects.length > 0 && (
              <table className="rejects">
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Text</th>
                  </tr>
                </thead>
                <tbody>
                  {f.rejects.slice(0, 200).map((r, j) => (
                    <tr key={j}>
                      <td>{r.line}</td>
                      <td>{r.reason}</td>
                      <td className="raw">{r.raw ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {f.rejects.length > 200 || f.rejects_not_listed > 0 ? (
              <p className="muted">
                Showing 200 of {(f.rejects.length + f.rejects_not_listed).toLocaleString()} rejected
                rows.
              </p>
            ) : null}
          </details>
        ) : null,
      )}
    </section>
  );
}
