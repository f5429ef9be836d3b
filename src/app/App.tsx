/** The shell: header, view tabs, the global filter bar, notices and the current view. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { KeyboardEvent } from 'react';
import { UploadView } from '../views/upload/UploadView.tsx';
import { IngestReportView } from '../views/upload/IngestReportView.tsx';
import { WavesView } from '../views/waves/WavesView.tsx';
import { MixView } from '../views/mix/MixView.tsx';
import { RetentionView } from '../views/retention/RetentionView.tsx';
import { useViewState } from '../state/use-view-state.ts';
import { VIEWS, parseViewState } from '../state/view-state.ts';
import type { Snapshot } from '../share/snapshot.ts';
import type { ViewName } from '../state/view-state.ts';
import { useIngest } from './use-ingest.ts';
import { useContext } from './use-analysis.ts';
import { clearQueryCache, onQueriesInFlight, queriesInFlight, useQuery } from './use-query.ts';
import { datasetFingerprint, fingerprintCounts } from '../state/fingerprint.ts';
import { useSnapshot } from './use-snapshot.ts';
import { ShareBar } from './ShareBar.tsx';
import { DataBanner } from './DataBanner.tsx';
import { FilterBar } from './FilterBar.tsx';

const TITLES: Record<ViewName, string> = {
  data: 'Data',
  waves: 'Waves',
  mix: 'Content mix',
  retention: 'Retention',
};

export function App() {
  const ingest = useIngest();
  const { state, update, reset, notices, dismissNotices, addNotice } = useViewState();
  const [snapshotVersion, setSnapshotVersion] = useState<number | null>(null);
  const { snapshot, openSnapshot } = useSnapshot(
    useCallback(
      (s: Snapshot) => {
        // The snapshot's own view, whether it came in a link or a file.
        reset(parseViewState(s.search).state);
        setSnapshotVersion(s.version);
      },
      [reset],
    ),
  );
  const version = snapshotVersion ?? ingest.version;
  const ctx = useContext(state, version);
  // A link may name columns this data does not have: drop them, and say so, once data is here.
  useEffect(() => {
    const schema = ctx.data?.schema;
    if (!schema) return;
    const unknown = state.filters.filter((f) => !schema[f.table].includes(f.column));
    const badBreakdown = state.breakdown !== null && !schema.signups.includes(state.breakdown);
    if (unknown.length === 0 && !badBreakdown) return;
    for (const f of unknown)
      addNotice(
        `Ignored a filter on "${f.table}.${f.column.slice(0, 40)}": the loaded data has no such column.`,
      );
    if (badBreakdown)
      addNotice(
        `Ignored the breakdown by "${(state.breakdown ?? '').slice(0, 40)}": the loaded data has no such column.`,
      );
    update(
      {
        filters: state.filters.filter((f) => !unknown.includes(f)),
        ...(badBreakdown ? { breakdown: null } : {}),
      },
      true,
    );
    // Checked whenever the loaded schema changes; the state is read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ctx.data?.schema]);
  const fingerprint = useQuery(
    `fingerprint:${ingest.version}`,
    datasetFingerprint,
    ingest.version > 0 && snapshotVersion === null,
  );
  // The fingerprint a link arrived with is compared once, with the first data loaded.
  const linkFingerprint = useRef(state.fingerprint);
  useEffect(() => {
    const fp = fingerprint.data;
    if (!fp) return;
    const fromLink = linkFingerprint.current;
    linkFingerprint.current = null;
    if (fromLink && fromLink !== fp.id) {
      const counts = fingerprintCounts(fromLink);
      addNotice(
        `This link was made with other data${counts ? ` (${counts.signups.toLocaleString()} signups, ${counts.posts.toLocaleString()} posts)` : ''}; you are seeing the data loaded here (${fp.signups.toLocaleString()} signups, ${fp.posts.toLocaleString()} posts), so the numbers can differ.`,
      );
    }
    if (state.fingerprint !== fp.id) update({ fingerprint: fp.id }, true);
    // Runs when a new fingerprint arrives; the state it compares with is read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fingerprint.data]);
  const hasData = Boolean(ctx.data);
  const busy = useSyncExternalStore(onQueriesInFlight, queriesInFlight) > 0;

  useEffect(() => {
    if (ingest.version > 0) clearQueryCache();
  }, [ingest.version]);

  const onTabKey = (e: KeyboardEvent) => {
    const i = VIEWS.indexOf(state.view);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % VIEWS.length
        : e.key === 'ArrowLeft'
          ? (i + VIEWS.length - 1) % VIEWS.length
          : -1;
    if (next >= 0) {
      e.preventDefault();
      update({ view: VIEWS[next] as ViewName });
      document.getElementById(`tab-${VIEWS[next]}`)?.focus();
    }
  };

  return (
    <div className="app">
      <header className="app-header">
        <h1>Surgescope</h1>
        <p className="muted">
          Onboarding surges: waves, content drift and retention. Your files never leave this
          machine.
        </p>
        <p className="busy" role="status" aria-live="polite">
          {busy ? 'Updating…' : ''}
        </p>
      </header>
      <DataBanner snapshot={snapshot} linkFingerprint={state.fingerprint} hasData={hasData} />
      {notices.length > 0 && (
        <div className="notice" role="alert">
          <ul>
            {notices.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
          <button type="button" className="small" onClick={dismissNotices}>
            Dismiss
          </button>
        </div>
      )}
      <nav aria-label="Views">
        <div role="tablist" aria-label="Views" className="tabs" onKeyDown={onTabKey}>
          {VIEWS.map((v) => (
            <button
              key={v}
              id={`tab-${v}`}
              role="tab"
              type="button"
              aria-selected={state.view === v}
              aria-controls="view-panel"
              tabIndex={state.view === v ? 0 : -1}
              onClick={() => update({ view: v })}
            >
              {TITLES[v]}
            </button>
          ))}
        </div>
      </nav>
      {state.view !== 'data' && (hasData || snapshotVersion !== null) && (
        <ShareBar
          state={state}
          version={version}
          canSnapshot={snapshotVersion === null && hasData}
        />
      )}
      <main>
        {hasData && ctx.data && state.view !== 'data' && (
          // A snapshot holds results for its own filters only: they show, but cannot change.
          <fieldset className="plain" disabled={snapshotVersion !== null}>
            <FilterBar ctx={ctx.data} state={state} update={update} version={version} />
          </fieldset>
        )}
        <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${state.view}`}>
          {state.view === 'data' || !ctx.data ? (
            <>
              {state.view !== 'data' && (
                <p className="empty">Load data first: this view needs signups and posts.</p>
              )}
              {snapshotVersion === null && (
                <UploadView
                  state={ingest.state}
                  onLoad={(items) => void ingest.load(items)}
                  onCancel={() => void ingest.cancel()}
                  onOpenSnapshot={(text) => void openSnapshot(text)}
                />
              )}
              {ingest.report ? (
                <IngestReportView report={ingest.report} />
              ) : (
                <p className="empty">
                  No data loaded yet. Load the sample or your own exports to begin.
                </p>
              )}
            </>
          ) : state.view === 'waves' ? (
            <WavesView ctx={ctx.data} state={state} update={update} />
          ) : state.view === 'mix' ? (
            <MixView ctx={ctx.data} state={state} update={update} />
          ) : (
            <RetentionView ctx={ctx.data} state={state} update={update} />
          )}
        </div>
      </main>
    </div>
  );
}
