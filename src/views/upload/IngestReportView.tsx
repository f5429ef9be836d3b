/**
 * The ingest report: what the data holds (signups, posts, where it starts and ends), and per
 * file its accounting, the mapping, timestamp format and zone used, its first and last time,
 * every listed reject with its text, and its duplicates (downloadable, with the line kept).
 */
import { useState } from 'react';
import type { FileReport, IngestReport } from '../../ingest/report.ts';
import { duplicateRows } from '../../ingest/duplicates.ts';
import { browserEngine } from '../../db/browser-engine.ts';
import { toSafeCsv } from '../../share/csv-export.ts';
import { downloadText } from '../../share/download.ts';
import { formatBytes, formatCount, humanLabel } from '../../format/format.ts';
import { PLAUSIBLE_RANGE_TEXT } from '../../ingest/plausible.ts';
import { LongText } from '../../tables/LongText.tsx';

const stem = (name: string) => name.replace(/\.[^.]+$/, '');

/** Every listed reject of a file as formula-safe CSV. */
function downloadRejects(f: FileReport) {
  const rows = f.rejects.map((r) => [r.line, r.reason, r.raw ?? '']);
  downloadText(`${stem(f.file)}-rejects.csv`, toSafeCsv(['Line', 'Reason', 'Text'], rows));
}

async function downloadDuplicates(f: FileReport): Promise<void> {
  if (f.file_id === undefined || !f.table) return;
  const rows = await duplicateRows(await browserEngine(), f.table, f.file_id);
  const key = humanLabel(f.table === 'signups' ? 'user_id' : 'post_id');
  downloadText(
    `${stem(f.file)}-duplicates.csv`,
    toSafeCsv(
      ['Line', key, 'Kept in file', 'Kept on line'],
      rows.map((r) => [r.line, r.key, r.kept_file ?? '', r.kept_line ?? '']),
    ),
  );
}

const when = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '—';

export function IngestReportView(props: {
  report: IngestReport;
  busy: boolean;
  onRemove: (fileId: number) => void;
}) {
  const { report } = props;
  return (
    <section className="panel" aria-labelledby="report-title">
      <h2 id="report-title">Ingest report</h2>
      <dl className="facts">
        <div>
          <dt>Signups (users)</dt>
          <dd data-testid="fact-signups">{formatCount(report.signups)}</dd>
        </div>
        <div>
          <dt>Posts</dt>
          <dd data-testid="fact-posts">{formatCount(report.posts)}</dd>
        </div>
        <div>
          <dt>Data starts</dt>
          <dd data-testid="fact-start">{when(report.dataset_start)}</dd>
        </div>
        <div>
          <dt>Data ends</dt>
          <dd data-testid="fact-end">{when(report.dataset_end)}</dd>
        </div>
        <div>
          <dt>Authors missing from signups</dt>
          <dd data-testid="fact-unknown-authors">
            {formatCount(report.authors_not_in_signups)} (
            {formatCount(report.posts_by_unknown_authors)} posts)
          </dd>
        </div>
        <div>
          <dt>Posts before their author&apos;s signup</dt>
          <dd data-testid="fact-before-signup">{formatCount(report.posts_before_signup)}</dd>
        </div>
        {report.implausible && report.implausible.signups + report.implausible.posts > 0 && (
          <div>
            <dt>Left out: timestamps outside {PLAUSIBLE_RANGE_TEXT}</dt>
            <dd data-testid="fact-implausible">
              {formatCount(report.implausible.signups)} signups,{' '}
              {formatCount(report.implausible.posts)} posts
            </dd>
          </div>
        )}
      </dl>
      <div className="table-scroll">
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
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {report.files.map((f, i) => (
              <tr key={`${f.file}-${f.file_id ?? i}`} className={f.error ? 'has-error' : undefined}>
                <th scope="row">
                  <LongText text={f.file} />
                </th>
                <td>{f.table ?? '—'}</td>
                <td>{formatCount(f.rows_read)}</td>
                <td>{formatCount(f.rows_loaded)}</td>
                <td>{formatCount(f.rows_rejected)}</td>
                <td>{formatCount(f.duplicates)}</td>
                <td>
                  {f.file_id !== undefined && (
                    <button
                      type="button"
                      className="small"
                      disabled={props.busy}
                      onClick={() => props.onRemove(f.file_id as number)}
                    >
                      Remove <span className="visually-hidden">{f.file}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.files.map((f, i) => (
        <FileDetails key={`${f.file}-details-${f.file_id ?? i}`} f={f} />
      ))}
    </section>
  );
}

function FileDetails({ f }: { f: FileReport }) {
  const [error, setError] = useState<string | null>(null);
  const listed = f.rejects.length;
  const total = listed + f.rejects_not_listed;
  return (
    <details open={Boolean(f.error)} className="file-details">
      <summary>
        <LongText text={f.file} />:{' '}
        {f.error
          ? 'not loaded'
          : `${formatCount(f.rows_loaded)} loaded, ${formatCount(f.rows_rejected)} rejected, ${formatCount(f.duplicates)} duplicates`}
      </summary>
      {f.error && (
        <p role="alert" className="error">
          {f.error}
        </p>
      )}
      <dl className="facts compact">
        {f.size !== undefined && (
          <div>
            <dt>Size</dt>
            <dd>{formatBytes(f.size)}</dd>
          </div>
        )}
        {f.delimiter && (
          <div>
            <dt>Delimiter</dt>
            <dd>{f.delimiter === '\t' ? 'tab' : `"${f.delimiter}"`}</dd>
          </div>
        )}
        {f.timestampFormat && (
          <div>
            <dt>Timestamp format</dt>
            <dd>{f.timestampFormat}</dd>
          </div>
        )}
        {f.timeZone && (
          <div>
            <dt>Zone of naive times</dt>
            <dd>{f.timeZone}</dd>
          </div>
        )}
        {f.first !== undefined && (
          <div>
            <dt>First and last time</dt>
            <dd>
              {when(f.first)} to {when(f.last)}
            </dd>
          </div>
        )}
        {f.encoding && (
          <div>
            <dt>Encoding</dt>
            <dd data-testid="file-encoding">{f.encoding}</dd>
          </div>
        )}
      </dl>
      {f.implausible && (
        <p role="status" className="notice" data-testid="file-implausible">
          {formatCount(f.implausible.rows)} row{f.implausible.rows === 1 ? '' : 's'} with a
          timestamp outside {PLAUSIBLE_RANGE_TEXT} (line
          {f.implausible.lines.length === 1 ? '' : 's'} {f.implausible.lines.join(', ')}
          {f.implausible.rows > f.implausible.lines.length ? ', …' : ''}): loaded, but left out of
          the charts and analyses.
        </p>
      )}
      {f.columns && (
        <p className="mapping-used">
          Mapping:{' '}
          {f.columns
            .map((c) =>
              c.role.startsWith('segment:')
                ? `${c.header} → segment ${c.role.slice(8)}`
                : c.role === 'ignored'
                  ? `${c.header} → left out`
                  : `${c.header} → ${c.role}`,
            )
            .join('; ')}
        </p>
      )}
      {listed > 0 && (
        <button type="button" className="small" onClick={() => downloadRejects(f)}>
          Download rejected rows of {f.file} (CSV)
        </button>
      )}{' '}
      {f.duplicates > 0 && (
        <button
          type="button"
          className="small"
          onClick={() =>
            void downloadDuplicates(f).catch((e: unknown) =>
              setError(e instanceof Error ? e.message : String(e)),
            )
          }
        >
          Download duplicates of {f.file} (CSV)
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {listed > 0 && (
        <div className="table-scroll">
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
                  <td className="raw">
                    <LongText text={r.raw ?? ''} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > 200 ? (
        <p className="muted">
          Showing 200 of {formatCount(total)} rejected rows
          {f.rejects_not_listed > 0
            ? `; the download holds the first ${formatCount(listed)}, the rest are counted`
            : '; the download has them all'}
          .
        </p>
      ) : null}
    </details>
  );
}
