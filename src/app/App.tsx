/** The shell: header, view tabs, the global filter bar, notices and the current view. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { DataView } from '../views/upload/DataView.tsx';
import { WavesView } from '../views/waves/WavesView.tsx';
import { MixView } from '../views/mix/MixView.tsx';
import { RetentionView } from '../views/retention/RetentionView.tsx';
import { useViewState } from '../state/use-view-state.ts';
import { parseViewState, serializeViewState } from '../state/view-state.ts';
import type { Snapshot } from '../share/snapshot.ts';
import type { ViewName } from '../state/view-state.ts';
import { useWorkspace } from '../hooks/use-workspace.ts';
import { useQueryContext } from '../hooks/use-analysis.ts';
import { onQueriesInFlight, queriesInFlight, useQuery } from '../hooks/use-query.ts';
import { datasetFingerprint, fingerprintCounts } from '../state/fingerprint.ts';
import { useSnapshot } from '../hooks/use-snapshot.ts';
import { ShareBar } from './ShareBar.tsx';
import { DataBanner } from './DataBanner.tsx';
import { FilterBar } from './FilterBar.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { Tabs } from './Tabs.tsx';
import { ImplausibleNotice } from './ImplausibleNotice.tsx';
import { ViewBoundary } from './ViewBoundary.tsx';
import { StorageBanner } from '../views/upload/StorageStatus.tsx';
import { ClickHousePanel } from '../views/upload/ClickHousePanel.tsx';
import {
  connectClickHouse,
  connectionState,
  disconnectClickHouse,
  onConnectionChange,
} from '../db/clickhouse-connection.ts';
import type { Connection } from '../db/clickhouse-connection.ts';

export function App() {
  const { state, update, reset, notices, dismissNotices, addNotice } = useViewState();
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);
  const ws = useWorkspace(
    useCallback(
      () => ({
        tz: latest.current.tz,
        settings: {
          baseline:
            latest.current.baselineFrom && latest.current.baselineTo
              ? { from: latest.current.baselineFrom, to: latest.current.baselineTo }
              : null,
          madMultiplier: latest.current.madMultiplier,
          medianMultiplier: latest.current.medianMultiplier,
        },
        cohort: latest.current.cohort,
      }),
      [],
    ),
  );
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
  useSavedView(ws, state, reset, snapshotVersion !== null);
  const cluster = useSyncExternalStore(onConnectionChange, connectionState);
  const onCluster = cluster.status === 'on';
  useClusterLink(state.engine, cluster, update, addNotice);
  const version = snapshotVersion ?? (onCluster ? cluster.version : ws.version);
  const ctx = useQueryContext(state, version);
  useUnknownColumns(ctx.data?.schema, state, update, addNotice);
  useFingerprint(
    ws.version,
    ws.prep.ready && snapshotVersion === null && !onCluster,
    state,
    update,
    addNotice,
  );
  useEffect(() => {
    // Every commit of the shell, mirrored for benchmarks and tests: an input has been taken in.
    const d = document.documentElement.dataset;
    d.renders = String(Number(d.renders ?? '0') + 1);
  });
  const hasData = Boolean(ctx.data);
  const busy = useSyncExternalStore(onQueriesInFlight, queriesInFlight) > 0;
  const analysis = state.view !== 'data';

  return (
    <div className="app">
      <header className="app-header">
        <h1>Surgescope</h1>
        <p className="muted">
          Onboarding surges: waves, content drift and retention. Your files never leave this
          machine.
        </p>
        <p className="engine-badge" data-testid="engine-badge">
          Engine:{' '}
          {onCluster ? `ClickHouse ${cluster.server} (a cluster)` : 'DuckDB in this browser'}
        </p>
        <p className="busy" role="status" aria-live="polite">
          {busy ? 'Updating…' : ''}
        </p>
      </header>
      <DataBanner snapshot={snapshot} linkFingerprint={state.fingerprint} hasData={hasData} />
      <StorageBanner workspace={ws} />
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
      <Tabs view={state.view} onView={(v: ViewName) => update({ view: v })} />
      {analysis && (hasData || snapshotVersion !== null) && (
        <ShareBar
          state={state}
          version={version}
          snapshotOff={
            snapshotVersion !== null
              ? 'This is a snapshot: its results cannot be shared again as a new one.'
              : !hasData
                ? 'Load data first.'
                : onCluster
                  ? 'Snapshots carry results from the data in this browser; on ClickHouse, share a link.'
                  : null
          }
        />
      )}
      <main>
        {hasData && ctx.data && analysis && (
          // A snapshot holds results for its own filters only: they show, but cannot change.
          <fieldset className="plain" disabled={snapshotVersion !== null}>
            <FilterBar
              ctx={ctx.data}
              from={state.from}
              to={state.to}
              tz={state.tz}
              filters={state.filters}
              update={update}
              version={version}
            />
            <NotesPanel annotations={state.annotations} update={update} />
          </fieldset>
        )}
        {hasData && analysis && snapshotVersion === null && !onCluster && (
          <ImplausibleNotice report={ws.report} />
        )}
        <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${state.view}`}>
          {!analysis || !ctx.data ? (
            <>
              {analysis && (
                <p className="empty">Load data first: this view needs signups and posts.</p>
              )}
              {!analysis && snapshotVersion === null && (
                <ClickHousePanel
                  connection={cluster}
                  onConnect={() => {
                    // Also after a failed attempt (the link's engine went back to the browser).
                    void connectClickHouse();
                    update({ engine: 'clickhouse' });
                  }}
                  onDisconnect={() => {
                    disconnectClickHouse();
                    update({ engine: 'browser' });
                  }}
                />
              )}
              <DataView
                workspace={ws}
                snapshotOpen={snapshotVersion !== null}
                onOpenSnapshot={(text) => void openSnapshot(text)}
                onNext={() => update({ view: 'waves' })}
              />
            </>
          ) : (
            <ViewBoundary
              key={state.view}
              view={state.view}
              onBack={() => update({ view: 'data' })}
            >
              {state.view === 'waves' ? (
                <WavesView ctx={ctx.data} state={state} update={update} />
              ) : state.view === 'mix' ? (
                <MixView ctx={ctx.data} state={state} update={update} />
              ) : (
                <RetentionView ctx={ctx.data} state={state} update={update} />
              )}
            </ViewBoundary>
          )}
        </div>
      </main>
    </div>
  );
}

type Update = ReturnType<typeof useViewState>['update'];

/**
 * The view lives next to the data: opening the app with no view in the link brings back the
 * last one, and every change is kept (after a short pause).
 */
function useSavedView(
  ws: ReturnType<typeof useWorkspace>,
  state: ReturnType<typeof useViewState>['state'],
  reset: ReturnType<typeof useViewState>['reset'],
  snapshot: boolean,
) {
  const linkHadView = useRef(window.location.search.length > 1);
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current || ws.savedView === null || snapshot) return;
    restored.current = true;
    if (!linkHadView.current) reset(parseViewState(ws.savedView).state);
  }, [ws.savedView, reset, snapshot]);
  const { saveView, report, started } = ws;
  useEffect(() => {
    if (!started || !report || snapshot) return;
    const timer = setTimeout(() => void saveView(serializeViewState(state)).catch(() => {}), 500);
    return () => clearTimeout(timer);
  }, [state, saveView, report, started, snapshot]);
}

/** A link may name columns this data does not have: drop them, and say so, once data is here. */
function useUnknownColumns(
  schema: { signups: string[]; posts: string[] } | undefined,
  state: ReturnType<typeof useViewState>['state'],
  update: Update,
  addNotice: (n: string) => void,
) {
  useEffect(() => {
    if (!schema) return;
    const unknown = state.filters.filter((f) => !schema[f.table].includes(f.column));
    const badBreakdown = state.breakdown !== null && !schema.signups.includes(state.breakdown);
    const badBy = state.retentionBy !== null && !schema.signups.includes(state.retentionBy);
    if (unknown.length === 0 && !badBreakdown && !badBy) return;
    for (const f of unknown)
      addNotice(
        `Ignored a filter on "${f.column.slice(0, 40)}" (${f.table}): the loaded data has no such column.`,
      );
    if (badBreakdown || badBy)
      addNotice(
        `Ignored a breakdown by "${(state.breakdown ?? state.retentionBy ?? '').slice(0, 40)}": the loaded data has no such column.`,
      );
    update(
      {
        filters: state.filters.filter((f) => !unknown.includes(f)),
        ...(badBreakdown ? { breakdown: null } : {}),
        ...(badBy ? { retentionBy: null } : {}),
      },
      true,
    );
    // Checked whenever the loaded schema changes; the state is read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [schema]);
}

/**
 * The data's fingerprint goes into links. It is computed once the views are prepared (it reads
 * every row), and compared once with the fingerprint a link arrived with.
 */
function useFingerprint(
  version: number,
  enabled: boolean,
  state: ReturnType<typeof useViewState>['state'],
  update: Update,
  addNotice: (n: string) => void,
) {
  // Reading every row takes a second or two at surge scale: it runs in a pause between clicks,
  // and is cancelled and run again if a click comes (one statement).
  const fingerprint = useQuery(
    `fingerprint:${version}`,
    (engine) => datasetFingerprint(engine, { background: true, restartable: true }),
    enabled,
    true,
  );
  const linkFingerprint = useRef(state.fingerprint);
  useEffect(() => {
    const fp = fingerprint.data;
    if (!fp) return;
    const fromLink = linkFingerprint.current;
    linkFingerprint.current = null;
    if (fromLink && fromLink !== fp.id) {
      const counts = fingerprintCounts(fromLink);
      addNotice(
        `This link was made with other data${counts ? ` (${counts.signups.toLocaleString('en-US')} signups, ${counts.posts.toLocaleString('en-US')} posts)` : ''}; you are seeing the data loaded here (${fp.signups.toLocaleString('en-US')} signups, ${fp.posts.toLocaleString('en-US')} posts), so the numbers can differ.`,
      );
    }
    if (state.fingerprint !== fp.id) update({ fingerprint: fp.id }, true);
    // Runs when a new fingerprint arrives; the state it compares with is read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fingerprint.data]);
}

/**
 * The engine in the link: `engine=clickhouse` connects to the cluster behind the proxy (when
 * the connection fails the view falls back to this browser's data, and says why).
 */
function useClusterLink(
  engine: 'browser' | 'clickhouse',
  cluster: Connection,
  update: Update,
  addNotice: (n: string) => void,
) {
  useEffect(() => {
    if (engine === 'clickhouse' && cluster.status === 'off') void connectClickHouse();
    if (engine === 'browser' && cluster.status === 'on') disconnectClickHouse();
  }, [engine, cluster.status]);
  useEffect(() => {
    if (cluster.status !== 'error' || engine !== 'clickhouse') return;
    addNotice(`Could not use ClickHouse, so this is the data in this browser: ${cluster.message}`);
    update({ engine: 'browser' }, true);
    // Once per failed connection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cluster]);
}
