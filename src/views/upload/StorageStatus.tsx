/**
 * Where the data lives and how much of it: stored in the browser (kept across reloads and new
 * tabs), held by another tab, or in memory only; with "Clear data".
 */
import { useState } from 'react';
import type { useWorkspace } from '../../hooks/use-workspace.ts';
import { formatBytes, formatCount } from '../../format/format.ts';

type Workspace = ReturnType<typeof useWorkspace>;

function where(ws: Workspace): string {
  const s = ws.storage;
  if (s.persistent && ws.saving.saving) {
    const p = ws.saving.progress;
    return `being saved to this browser's private storage${p && p.total > 0 ? ` (${p.done} of ${p.total} tables)` : ''}: until it finishes, a reload brings back the data as it was before this change.`;
  }
  if (s.persistent && !ws.saving.saving && ws.saving.error)
    return `held in memory: saving to this browser's storage failed (${ws.saving.error}), so a reload brings back the data as it was saved before.`;
  if (s.persistent)
    return `stored in this browser's private storage${ws.bytes !== null ? ` (${formatBytes(ws.bytes)})` : ''}: a reload, or closing and reopening the tab, brings it back.`;
  if (s.reason === 'open-elsewhere') return "held in this tab's memory only: a reload empties it.";
  if (s.reason === 'handed-over') return 'handed over to another tab.';
  return `held in this tab's memory only: a reload empties it${s.detail ? ` (${s.detail})` : ''}.`;
}

/**
 * Shown on every tab: the stored data is held by another tab (with the way to take it over), or
 * was handed over to one.
 */
export function StorageBanner({ workspace: ws }: { workspace: Workspace }) {
  const s = ws.storage;
  const busy = ws.status.status === 'loading' || ws.status.status === 'working';
  return (
    <>
      {!s.persistent && s.reason === 'open-elsewhere' && (
        <div className="notice" role="note" data-testid="open-elsewhere">
          <p>
            Surgescope is open in another tab, which holds your stored data. This tab works on its
            own, and what you load here is not kept after a reload.
          </p>
          <button type="button" onClick={() => void ws.takeOver()} disabled={busy}>
            Use the stored data here
          </button>
        </div>
      )}
      {!s.persistent && s.reason === 'handed-over' && (
        <div className="notice" role="alert">
          <p>Another tab took over the stored data. Reload this tab to take it back.</p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      )}
    </>
  );
}

export function StorageStatus({ workspace: ws }: { workspace: Workspace }) {
  const [confirm, setConfirm] = useState(false);
  const report = ws.report;
  const files = report?.files ?? [];
  const busy = ws.status.status === 'loading' || ws.status.status === 'working';
  const s = ws.storage;
  return (
    <>
      {!s.persistent && s.reason === 'unavailable' && files.length === 0 && (
        <p className="notice" role="note" data-testid="no-storage">
          This browser gives Surgescope no private storage here, so data you load will not survive a
          reload.
        </p>
      )}
      {files.length > 0 && (
        <section className="panel storage" aria-labelledby="storage-title">
          <h2 id="storage-title">Stored data</h2>
          <p data-testid="storage-summary">
            {files.length} file{files.length === 1 ? '' : 's'}, {formatCount(report?.signups ?? 0)}{' '}
            signups and {formatCount(report?.posts ?? 0)} posts, {where(ws)}
          </p>
          {confirm ? (
            <p role="group" aria-label="Clear data">
              Clear every loaded file and its report from this browser?{' '}
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setConfirm(false);
                  void ws.clear();
                }}
              >
                Clear data
              </button>{' '}
              <button type="button" onClick={() => setConfirm(false)}>
                Keep it
              </button>
            </p>
          ) : (
            <button type="button" disabled={busy} onClick={() => setConfirm(true)}>
              Clear data…
            </button>
          )}
        </section>
      )}
    </>
  );
}
