/**
 * The analyst's workspace: the loaded data, its report, and every change to it (load to replace
 * or add, remove one file, clear), each followed by preparing the pre-aggregates the views read.
 * Loading shows progress and can be cancelled; a cancelled or failed load leaves the data as
 * it was.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import {
  browserEngine,
  currentStorage,
  onStorageChange,
  requestHandover,
  storedBytes,
} from '../db/browser-engine.ts';
import { readSetting, saveSetting } from '../ingest/app-state.ts';
import { clearStore, finishRestore, restoreFromStore } from '../db/store.ts';
import { onPersistChange, persist, persistState, stopSaving } from './persist.ts';
import type { Engine } from '../db/engine.ts';
import { clearData, ingestFiles, removeFile } from '../ingest/ingest.ts';
import type { IngestItem } from '../ingest/ingest.ts';
import { LoadCancelled } from '../ingest/load.ts';
import type { LoadProgress } from '../ingest/load.ts';
import { readReport } from '../ingest/report.ts';
import { readReportCached, rememberSummary } from './report-cache.ts';
import type { IngestReport } from '../ingest/report.ts';
import { ensureTables } from '../ingest/tables.ts';
import { CUBE_TABLES, dropCubes } from '../metrics/cubes.ts';
import type { CohortGranularity, WaveSettings } from '../metrics/params.ts';
import { prefetchRetentionAhead, stopRetentionBuilds } from './retention-cube.ts';
import { cubesCurrent, prepareCubes } from '../metrics/prepare.ts';
import { cubesChanged } from './cube-session.ts';
import { clearQueryCache } from './use-query.ts';

/**
 * Background work reading the data (retention built ahead of need, the stored copy) is given up
 * on before the data changes under it; a fresh save follows the change.
 */
async function stopBackgroundWork(engine: Engine): Promise<void> {
  await Promise.all([stopRetentionBuilds(), stopSaving()]);
  // Tables still read in place from the store (after a reload) become real ones first.
  await finishRestore(engine, true);
}

export type WorkspaceStatus =
  | { status: 'idle' }
  | { status: 'loading'; progress: LoadProgress | null; totalBytes: number; doneBytes: number }
  | { status: 'working'; message: string }
  | { status: 'error'; message: string };

/** Reject details kept per file in the browser (all rejects are still counted). */
export const MAX_REJECT_DETAILS = 10_000;

export interface Preparation {
  /** Pre-aggregates for this data version are built (views read them). */
  ready: boolean;
  /** Building them failed: views still work, from the raw tables. */
  error: string | null;
}

/** Settles when what an earlier session stored has been opened (or found missing). */
let opened: Promise<void> | null = null;

/** The engine, once the stored data is open: no load or removal runs beside the restore. */
async function openedEngine(): Promise<Engine> {
  const engine = await browserEngine();
  await opened;
  return engine;
}

/**
 * `frameSettings` (stable) gives the zone and wave settings the pre-aggregates are banded for,
 * and the cohort granularity whose retention cube is built ahead of need.
 */
export function useWorkspace(
  frameSettings: () => { tz: string; settings: WaveSettings; cohort: CohortGranularity },
) {
  const [status, setStatus] = useState<WorkspaceStatus>({ status: 'idle' });
  const [report, setReport] = useState<IngestReport | null>(null);
  const [version, setVersion] = useState(0);
  const [prep, setPrep] = useState<Preparation>({ ready: false, error: null });
  const [bytes, setBytes] = useState<number | null>(null);
  /** The view saved with the stored data (null: none, or nothing stored). */
  const [savedView, setSavedView] = useState<string | null>(null);
  const [started, setStarted] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const storage = useSyncExternalStore(onStorageChange, currentStorage);
  const saving = useSyncExternalStore(onPersistChange, persistState);
  // The stored size once a save ends.
  useEffect(() => {
    if (!saving.saving) void storedBytes().then(setBytes);
  }, [saving.saving]);

  /** After any change: the report, a new data version, then the pre-aggregates. */
  const settle = useCallback(
    async (engine: Engine, next?: IngestReport, stored = false) => {
      const r = next ?? (await readReport(engine));
      // Opened from storage, the summary was read through (and kept by) readReportCached.
      if (!stored) await rememberSummary(engine, r);
      clearQueryCache();
      cubesChanged();
      setReport(r.files.length > 0 ? r : null);
      setVersion((v) => v + 1);
      setPrep({ ready: false, error: null });
      void storedBytes().then(setBytes);
      if (r.signups === 0 && r.posts === 0) {
        await dropCubes(engine);
        cubesChanged();
        if (!stored) void persist('all');
        return;
      }
      try {
        // Pre-aggregates stored with the data and built from it as it is now are kept.
        const rebuilt = !(stored && (await cubesCurrent(engine)));
        if (rebuilt) {
          await finishRestore(engine, true);
          const { tz, settings } = frameSettings();
          await prepareCubes(engine, tz, settings);
        }
        cubesChanged();
        setPrep({ ready: true, error: null });
        // The stored copy follows in the background; after a restore, only rebuilt
        // pre-aggregates (else the stored meta would describe tables the store lacks).
        if (!stored) void persist('all');
        else if (rebuilt) void persist(CUBE_TABLES);
        // Retention's pre-aggregate takes seconds at surge scale: built in the pauses, before
        // the analyst opens the view (at once if the view is open and waiting for it).
        const { tz, cohort } = frameSettings();
        void prefetchRetentionAhead(engine, tz, cohort, r.posts);
      } catch (err) {
        cubesChanged();
        setPrep({ ready: false, error: err instanceof Error ? err.message : String(err) });
        // The data is kept all the same (the views read the raw tables).
        if (!stored) void persist('all');
      }
    },
    [frameSettings],
  );

  // What an earlier session left in the database (persistent storage) shows at once, with the
  // view the analyst last had.
  useEffect(() => {
    let live = true;
    const previous = opened;
    const opening = (async () => {
      // A second run of this effect (React's development double mount) waits for the first.
      await previous;
      const engine = await browserEngine();
      if (engine.store) {
        setStatus({ status: 'working', message: 'Opening the data stored in this browser…' });
        // The stored database is compressed, about a third of the CSV it was loaded from.
        await engine.sizeFor?.(((await storedBytes()) ?? 0) * 3);
        await restoreFromStore(engine, (p) =>
          setStatus({
            status: 'working',
            message: `Opening the data stored in this browser (table ${p.done + 1} of ${p.total})…`,
          }),
        );
        setStatus({ status: 'idle' });
      }
      await ensureTables(engine);
      const r = await readReportCached(engine);
      if (!live) return;
      if (r.files.length > 0) {
        setSavedView(await readSetting(engine, 'view'));
        await settle(engine, r, true);
        // The large tables were opened in place; their copies follow between clicks.
        void finishRestore(engine).catch(() => {});
      }
    })()
      .catch((err: unknown) => {
        if (!live) return;
        setStatus({
          status: 'error',
          message: `Could not open the data stored in this browser: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}. Load the files again, or clear the stored data.`,
        });
      })
      .finally(() => live && setStarted(true));
    opened = opening;
    return () => {
      live = false;
    };
  }, [settle]);

  /** Keep the view next to the data (a reload or a new tab comes back to it). */
  const saveView = useCallback(async (search: string) => {
    if (!currentStorage().persistent) return;
    const engine = await openedEngine();
    await saveSetting(engine, 'view', search);
    await persist(['app_state']);
  }, []);

  /** Ask the tab holding the stored data for it; reloads into it when handed over. */
  const takeOver = useCallback(async () => {
    setStatus({ status: 'working', message: 'Asking the other tab for the stored data…' });
    if (await requestHandover()) window.location.reload();
    else
      setStatus({
        status: 'error',
        message:
          'The other tab did not answer. Close it (or reload it) and then reload this one to open the stored data.',
      });
  }, []);

  const load = useCallback(
    async (items: IngestItem[], mode: { replace: boolean }) => {
      const abort = new AbortController();
      controller.current = abort;
      const totalBytes = items.reduce((s, i) => s + i.input.size, 0);
      const sizes = items.map((i) => i.input.size);
      setStatus({ status: 'loading', progress: null, totalBytes, doneBytes: 0 });
      try {
        const engine = await openedEngine();
        await stopBackgroundWork(engine);
        // Into an empty workspace, the working database suits the size of what comes.
        await engine.sizeFor?.(totalBytes);
        const next = await ingestFiles(engine, items, {
          replace: mode.replace,
          signal: abort.signal,
          maxRejectDetails: MAX_REJECT_DETAILS,
          onProgress: (p) => {
            const before = sizes.slice(0, p.index).reduce((s, n) => s + n, 0);
            setStatus({ status: 'loading', progress: p, totalBytes, doneBytes: before + p.bytes });
          },
        });
        setStatus({ status: 'idle' });
        await settle(engine, next);
      } catch (err) {
        const engine = await openedEngine();
        if (err instanceof LoadCancelled || abort.signal.aborted) {
          setStatus({
            status: 'error',
            message: 'Loading was cancelled. The data loaded before it is unchanged.',
          });
        } else {
          setStatus({ status: 'error', message: err instanceof Error ? err.message : String(err) });
        }
        // A replace that was cancelled may have cleared the tables: show what is there now.
        await settle(engine).catch(() => {});
      } finally {
        // A later load may have started meanwhile: its controller stays.
        if (controller.current === abort) controller.current = null;
      }
    },
    [settle],
  );

  const remove = useCallback(
    async (fileId: number) => {
      setStatus({ status: 'working', message: 'Removing the file and deduping what remains…' });
      try {
        const engine = await openedEngine();
        await stopBackgroundWork(engine);
        await removeFile(engine, fileId);
        setStatus({ status: 'idle' });
        await settle(engine);
      } catch (err) {
        setStatus({ status: 'error', message: err instanceof Error ? err.message : String(err) });
      }
    },
    [settle],
  );

  const clear = useCallback(async () => {
    setStatus({ status: 'working', message: 'Clearing the data…' });
    try {
      const engine = await openedEngine();
      await stopBackgroundWork(engine);
      await clearData(engine);
      await clearStore(engine);
      setStatus({ status: 'idle' });
      await settle(engine);
    } catch (err) {
      setStatus({ status: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, [settle]);

  /** Rebuild the pre-aggregates for another zone or other wave settings. */
  const reprepare = useCallback(async () => {
    const engine = await openedEngine();
    if (!report) return;
    setPrep({ ready: false, error: null });
    try {
      await stopRetentionBuilds();
      await finishRestore(engine, true);
      const { tz, settings } = frameSettings();
      await prepareCubes(engine, tz, settings);
      cubesChanged();
      setPrep({ ready: true, error: null });
      void prefetchRetentionAhead(engine, tz, frameSettings().cohort, report.posts);
    } catch (err) {
      setPrep({ ready: false, error: err instanceof Error ? err.message : String(err) });
    }
  }, [report, frameSettings]);

  const cancel = useCallback(async () => {
    controller.current?.abort();
    const engine = await openedEngine();
    await engine.cancel();
  }, []);

  return {
    status,
    report,
    version,
    prep,
    storage,
    saving,
    bytes,
    savedView,
    started,
    load,
    remove,
    clear,
    cancel,
    reprepare,
    saveView,
    takeOver,
  };
}
