/** Start screen: drop or pick CSV exports, assign each to a table, load them or the sample. */
import { useState } from 'react';
import type { DragEvent } from 'react';
import { browserFileInput } from '../../ingest/input-file.ts';
import type { IngestItem } from '../../ingest/ingest.ts';
import { guessTable, mapColumns } from '../../ingest/roles.ts';
import type { FileOptions } from '../../ingest/load.ts';
import { MappingDialog } from './MappingDialog.tsx';
import type { TableName } from '../../ingest/roles.ts';
import { SNIFF_BYTES, decodeHead, sniffText } from '../../ingest/sniff.ts';
import type { IngestState } from '../../app/use-ingest.ts';
import { fetchSample, SAMPLE_FILES } from '../../app/sample.ts';

interface Pending {
  file: File;
  table: TableName | '';
  headers: string[];
  preview: string[][];
  options: FileOptions;
}

export function UploadView(props: {
  state: IngestState;
  onLoad: (items: IngestItem[]) => void;
  onCancel: () => void;
  /** Open a snapshot file downloaded from a snapshot too long for a link. */
  onOpenSnapshot: (encoded: string) => void;
}) {
  const [pending, setPending] = useState<Pending[]>([]);
  const [dragging, setDragging] = useState(false);
  const [mapping, setMapping] = useState<number | null>(null);
  const editing = mapping !== null ? pending[mapping] : undefined;
  const loading = props.state.status === 'loading';

  const addFiles = async (files: FileList | File[]) => {
    const added = await Promise.all(
      [...files].map(async (file) => {
        const input = browserFileInput(file);
        const head = decodeHead(await input.head(SNIFF_BYTES));
        const sniffed = sniffText(head.text, head.hasBom, file.size <= SNIFF_BYTES, 8);
        const headers = sniffed.headers;
        return {
          file,
          headers,
          preview: sniffed.preview,
          options: {},
          table: guessTable(headers) ?? '',
        } satisfies Pending;
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
        options: p.table ? { ...p.options, table: p.table } : p.options,
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
        <label className="button">
          Open a snapshot file…
          <input
            type="file"
            accept=".txt,text/plain"
            className="visually-hidden"
            aria-label="Open a snapshot file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(props.onOpenSnapshot);
              e.target.value = '';
            }}
          />
        </label>
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
                            // Roles differ per table: a new table starts from synonyms again.
                            j === i
                              ? { ...x, table: e.target.value as TableName | '', options: {} }
                              : x,
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
                    <MissingRoles pending={p} />
                    <button type="button" disabled={!p.table} onClick={() => setMapping(i)}>
                      Map columns <span className="visually-hidden">for {p.file.name}</span>
                    </button>{' '}
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
      {editing && editing.table && mapping !== null && (
        <MappingDialog
          fileName={editing.file.name}
          table={editing.table}
          headers={editing.headers}
          preview={editing.preview}
          options={editing.options}
          onClose={() => setMapping(null)}
          onApply={(options) => {
            setPending((all) => all.map((x, j) => (j === mapping ? { ...x, options } : x)));
            setMapping(null);
          }}
        />
      )}
      <LoadStatus state={props.state} onCancel={props.onCancel} />
    </section>
  );
}

/** Required roles no column serves yet, so the user can map them before loading. */
function MissingRoles({ pending }: { pending: Pending }) {
  if (!pending.table) return <span className="error">Choose a table. </span>;
  const m = mapColumns(
    pending.table,
    pending.headers,
    pending.options.overrides,
    pending.options.ignored,
  );
  if (m.missing.length === 0) return null;
  return <span className="error">Missing: {m.missing.join(', ')}. </span>;
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
