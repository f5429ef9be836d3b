/** Start screen: drop or pick CSV exports, assign each to a table, load them or the sample. */
import { useState } from 'react';
import type { DragEvent } from 'react';
import { browserFileInput } from '../../ingest/input-file.ts';
import type { IngestItem } from '../../ingest/ingest.ts';
import { guessTable } from '../../ingest/roles.ts';
import type { TableName } from '../../ingest/roles.ts';
import { SNIFF_BYTES, decodeHead, sniffText } from '../../ingest/sniff.ts';
import type { IngestState } from '../../app/use-ingest.ts';
import { fetchSample, SAMPLE_FILES } from '../../app/sample.ts';

interface Pending {
  file: File;
  table: TableName | '';
  headers: string[];
}

export function UploadView(props: {
  state: IngestState;
  onLoad: (items: IngestItem[]) => void;
  onCancel: () => void;
}) {
  const [pending, setPending] = useState<Pending[]>([]);
  const [dragging, setDragging] = useState(false);
  const loading = props.state.status === 'loading';

  const addFiles = async (files: FileList | File[]) => {
    const added = await Promise.all(
      [...files].map(async (file) => {
        const input = browserFileInput(file);
        const head = decodeHead(await input.head(SNIFF_BYTES));
        const headers = sniffText(head.text, head.hasBom, file.size <= SNIFF_BYTES, 1).headers;
        return { file, headers, table: guessTable(headers) ?? '' } satisfies Pending;
      }),
    );
    setPending((p) => [...p, ...added]);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void addFiles(e.dataTransfer.files);
  };

  const loadPending = () => {
    // Signups first: the author groups of posts depend on them.
    const ordered = [...pending].sort(
      (a, b) => Number(b.table === 'signups') - Number(a.table === 'signups'),
    );
    props.onLoad(
      ordered.map((p) => ({
        input: browserFileInput(p.file),
        options: p.table ? { table: p.table } : {},
      })),
    );
    setPending([]);
  };

  const loadSample = async () => {
    const files = await fetchSample();
    props.onLoad(
      files.map((input) => ({
        input,
        options: { table: input.name.startsWith('signups') ? 'signups' : 'posts' },
      })),
    );
  };

  return (
    <section className="panel" aria-labelledby="upload-title">
      <h2 id="upload-title">Load exports</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop signup and post CSV exports here, several at once, or</p>
        <label className="button">
          Choose files…
          <input
            type="file"
            accept=".csv,.tsv,.txt,text/csv"
            multiple
            className="visually-hidden"
            aria-label="Choose CSV files"
            disabled={loading}
            onChange={(e) => {
              if (e.target.files) void addFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        <button
          type="button"
          disabled={loading || SAMPLE_FILES.length === 0}
          onClick={() => void loadSample()}
        >
          Load sample data
        </button>
      </div>
      {pending.length > 0 && (
        <div className="pending">
          <table>
            <caption>Files to load</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Columns</th>
                <th scope="col">Table</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((p, i) => (
                <tr key={`${p.file.name}-${i}`}>
                  <td>{p.file.name}</td>
                  <td className="muted">{p.headers.join(', ')}</td>
                  <td>
                    <select
                      aria-label={`Table for ${p.file.name}`}
                      value={p.table}
                      onChange={(e) =>
                        setPending((all) =>
                          all.map((x, j) =>
                            j === i ? { ...x, table: e.target.value as TableName | '' } : x,
                          ),
                        )
                      }
                    >
                      <option value="">Choose…</option>
                      <option value="signups">signups</option>
                      <option value="posts">posts</option>
                    </select>
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => setPending((all) => all.filter((_, j) => j !== i))}
                    >
                      Remove <span className="visually-hidden">{p.file.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="primary" disabled={loading} onClick={loadPending}>
            Load {pending.length} file{pending.length === 1 ? '' : 's'}
          </button>
        </div>
      )}
      <LoadStatus state={props.state} onCancel={props.onCancel} />
    </section>
  );
}

function LoadStatus({ state, onCancel }: { state: IngestState; onCancel: () => void }) {
  if (state.status === 'error') {
    return (
      <p role="alert" className="error">
        {state.message}
      </p>
    );
  }
  if (state.status !== 'loading') return null;
  const pct = state.totalBytes > 0 ? Math.round((100 * state.doneBytes) / state.totalBytes) : 0;
  const p = state.progress;
  return (
    <div className="progress" role="status" aria-live="polite">
      <progress max={100} value={pct} aria-label="Loading progress" />
      <span>
        {p ? `File ${p.index + 1} of ${p.total}: ${p.file}, ${p.phase}` : 'Starting DuckDB…'} ·{' '}
        {formatBytes(state.doneBytes)} of {formatBytes(state.totalBytes)}
        {p?.rows !== undefined ? ` · ${p.rows.toLocaleString()} rows` : ''}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
