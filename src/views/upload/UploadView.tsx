/**
 * Adding exports: drop or pick CSV files, assign each to a table, map its columns, and load them
 * on purpose (replace the data, or add to it). The sample loads the same way.
 */
import { useState } from 'react';
import type { DragEvent } from 'react';
import { browserFileInput } from '../../ingest/input-file.ts';
import type { IngestItem } from '../../ingest/ingest.ts';
import { guessTable, mapColumns } from '../../ingest/roles.ts';
import type { FileOptions } from '../../ingest/load.ts';
import type { TableName } from '../../ingest/roles.ts';
import type { FileReport } from '../../ingest/report.ts';
import { SNIFF_BYTES, decodeHead, profileColumns, sniffText } from '../../ingest/sniff.ts';
import type { ColumnProfile } from '../../ingest/sniff.ts';
import { fetchSample, SAMPLE_FILES } from '../../hooks/sample.ts';
import { formatBytes } from '../../format/format.ts';
import { LongText } from '../../tables/LongText.tsx';
import { MappingDialog } from './MappingDialog.tsx';
import { LoadChoice } from './LoadChoice.tsx';

export interface Pending {
  file: File;
  table: TableName | '';
  headers: string[];
  preview: string[][];
  profiles: ColumnProfile[];
  options: FileOptions;
}

/** Read a dropped file's head: header, a preview, and which columns make poor segments. */
async function sniffFile(file: File): Promise<Pending> {
  const input = browserFileInput(file);
  const head = decodeHead(await input.head(SNIFF_BYTES));
  const sniffed = sniffText(head.text, head.hasBom, file.size <= SNIFF_BYTES, 500);
  const headers = sniffed.headers;
  const table = guessTable(headers) ?? '';
  const profiles = profileColumns(headers, sniffed.preview);
  // Free text and identifiers are left out unless a role needs them or the analyst keeps them.
  const roles = table ? new Set(Object.values(mapColumns(table, headers).roles)) : new Set();
  const ignored = headers.filter((_, i) => profiles[i]?.kind !== 'segment' && !roles.has(i));
  return {
    file,
    headers,
    preview: sniffed.preview.slice(0, 8),
    profiles,
    options: ignored.length ? { ignored } : {},
    table,
  };
}

/** Why the files cannot load yet, or null. */
export function notReady(pending: readonly Pending[]): string | null {
  const noTable = pending.filter((p) => !p.table).map((p) => p.file.name);
  if (noTable.length)
    return `Choose a table (signups or posts) for ${noTable.join(', ')} before loading.`;
  const missing = pending.flatMap((p) => {
    if (!p.table) return [];
    const m = mapColumns(p.table, p.headers, p.options.overrides, p.options.ignored);
    return m.missing.length ? [`${p.file.name} (${m.missing.join(', ')})`] : [];
  });
  if (missing.length) return `Map the required columns first: ${missing.join('; ')}.`;
  return null;
}

/** Files that look already loaded (same name and size, same table). */
function alreadyLoaded(pending: readonly Pending[], loaded: readonly FileReport[]): string[] {
  return pending
    .filter((p) => loaded.some((f) => !f.error && f.file === p.file.name && f.size === p.file.size))
    .map((p) => p.file.name);
}

export function UploadView(props: {
  busy: boolean;
  loaded: readonly FileReport[];
  onLoad: (items: IngestItem[], mode: { replace: boolean }) => void;
  /** Open a snapshot file downloaded from a snapshot too long for a link. */
  onOpenSnapshot: (encoded: string) => void;
}) {
  const [pending, setPending] = useState<Pending[]>([]);
  const [dragging, setDragging] = useState(false);
  const [mapping, setMapping] = useState<number | null>(null);
  const [choosing, setChoosing] = useState<'files' | 'sample' | null>(null);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const editing = mapping !== null ? pending[mapping] : undefined;
  const hasData = props.loaded.some((f) => !f.error);
  const reason = notReady(pending);
  const repeats = alreadyLoaded(pending, props.loaded);

  const addFiles = async (files: FileList | File[]) => {
    const added = await Promise.all([...files].map(sniffFile));
    setPending((p) => [...p, ...added]);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void addFiles(e.dataTransfer.files);
  };

  const loadPending = (replace: boolean) => {
    // Signups first: the author groups of posts depend on them.
    const ordered = [...pending].sort(
      (a, b) => Number(b.table === 'signups') - Number(a.table === 'signups'),
    );
    props.onLoad(
      ordered.map((p) => ({
        input: browserFileInput(p.file),
        options: { ...p.options, table: p.table as TableName },
      })),
      { replace },
    );
    setPending([]);
    setChoosing(null);
  };

  const loadSample = async (replace: boolean) => {
    setChoosing(null);
    setSampleError(null);
    try {
      const files = await fetchSample();
      props.onLoad(
        files.map((input) => ({
          input,
          options: { table: input.name.startsWith('signups') ? 'signups' : 'posts' },
        })),
        { replace },
      );
    } catch (err) {
      setSampleError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="panel" aria-labelledby="upload-title">
      <h2 id="upload-title">{hasData ? 'Load more exports' : 'Load exports'}</h2>
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
            disabled={props.busy}
            onChange={(e) => {
              if (e.target.files) void addFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        <button
          type="button"
          disabled={props.busy || SAMPLE_FILES.length === 0}
          onClick={() => (hasData ? setChoosing('sample') : void loadSample(true))}
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
      {sampleError && (
        <p role="alert" className="error">
          {sampleError}
        </p>
      )}
      {choosing === 'sample' && (
        <LoadChoice
          what="the sample data"
          onReplace={() => void loadSample(true)}
          onAdd={() => void loadSample(false)}
          onCancel={() => setChoosing(null)}
        />
      )}
      {pending.length > 0 && (
        <div className="pending">
          <div className="table-scroll">
            <table>
              <caption>Files to load</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Columns</th>
                  <th scope="col">Table</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {pending.map((p, i) => (
                  <PendingRow
                    key={`${p.file.name}-${i}`}
                    pending={p}
                    onTable={(table) =>
                      setPending((all) =>
                        all.map((x, j) =>
                          // Roles differ per table: a new table starts from synonyms again.
                          j === i ? { ...x, table, options: { ignored: x.options.ignored } } : x,
                        ),
                      )
                    }
                    onMap={() => setMapping(i)}
                    onRemove={() => setPending((all) => all.filter((_, j) => j !== i))}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {repeats.length > 0 && (
            <p className="notice" role="note">
              Already loaded (same name and size): {repeats.join(', ')}. Adding{' '}
              {repeats.length > 1 ? 'them' : 'it'} again only adds duplicates; replace the data to
              start over.
            </p>
          )}
          {reason && (
            <p className="field-hint" id="load-reason">
              {reason}
            </p>
          )}
          {choosing === 'files' ? (
            <LoadChoice
              what={`${pending.length} file${pending.length === 1 ? '' : 's'}`}
              onReplace={() => loadPending(true)}
              onAdd={() => loadPending(false)}
              onCancel={() => setChoosing(null)}
            />
          ) : (
            <button
              type="button"
              className="primary"
              disabled={props.busy || reason !== null}
              aria-describedby={reason ? 'load-reason' : undefined}
              onClick={() => (hasData ? setChoosing('files') : loadPending(true))}
            >
              Load {pending.length} file{pending.length === 1 ? '' : 's'}
            </button>
          )}
        </div>
      )}
      {editing && editing.table && mapping !== null && (
        <MappingDialog
          fileName={editing.file.name}
          table={editing.table}
          headers={editing.headers}
          preview={editing.preview}
          profiles={editing.profiles}
          options={editing.options}
          onClose={() => setMapping(null)}
          onApply={(options) => {
            setPending((all) => all.map((x, j) => (j === mapping ? { ...x, options } : x)));
            setMapping(null);
          }}
        />
      )}
    </section>
  );
}

function PendingRow(props: {
  pending: Pending;
  onTable: (t: TableName | '') => void;
  onMap: () => void;
  onRemove: () => void;
}) {
  const p = props.pending;
  const m = p.table ? mapColumns(p.table, p.headers, p.options.overrides, p.options.ignored) : null;
  return (
    <tr>
      <td>
        <LongText text={p.file.name} />
        <br />
        <span className="muted">{formatBytes(p.file.size)}</span>
      </td>
      <td className="muted">
        <LongText text={p.headers.join(', ')} />
      </td>
      <td>
        <select
          aria-label={`Table for ${p.file.name}`}
          value={p.table}
          onChange={(e) => props.onTable(e.target.value as TableName | '')}
        >
          <option value="">Choose…</option>
          <option value="signups">signups</option>
          <option value="posts">posts</option>
        </select>
      </td>
      <td>
        {!p.table ? (
          <span className="error">Choose a table. </span>
        ) : m && m.missing.length > 0 ? (
          <span className="error">Missing: {m.missing.join(', ')}. </span>
        ) : null}
        {(p.options.ignored?.length ?? 0) > 0 && (
          <span className="muted">Left out: {p.options.ignored?.join(', ')}. </span>
        )}
        <button type="button" disabled={!p.table} onClick={props.onMap}>
          Map columns <span className="visually-hidden">for {p.file.name}</span>
        </button>{' '}
        <button type="button" onClick={props.onRemove}>
          Remove <span className="visually-hidden">{p.file.name}</span>
        </button>
      </td>
    </tr>
  );
}
