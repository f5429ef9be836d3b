/** Loading files into the browser database, with progress and cancel. */
import { useCallback, useRef, useState } from 'react';
import { browserEngine } from '../db/browser-engine.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { dropMixCubes } from '../metrics/mix-cube.ts';
import type { IngestItem } from '../ingest/ingest.ts';
import { LoadCancelled } from '../ingest/load.ts';
import type { LoadProgress } from '../ingest/load.ts';
import type { IngestReport } from '../ingest/report.ts';

export type IngestState =
  | { status: 'idle' }
  | { status: 'loading'; progress: LoadProgress | null; totalBytes: number; doneBytes: number }
  | { status: 'error'; message: string };

/** Reject details kept per file in the browser (all rejects are still counted). */
export const MAX_REJECT_DETAILS = 10_000;

export function useIngest() {
  const [state, setState] = useState<IngestState>({ status: 'idle' });
  const [report, setReport] = useState<IngestReport | null>(null);
  const [version, setVersion] = useState(0);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(
    async (items: IngestItem[]) => {
      const abort = new AbortController();
      controller.current = abort;
      const totalBytes = items.reduce((s, i) => s + i.input.size, 0);
      const sizes = items.map((i) => i.input.size);
      setState({ status: 'loading', progress: null, totalBytes, doneBytes: 0 });
      try {
        const engine = await browserEngine();
        const next = await ingestFiles(engine, items, {
          signal: abort.signal,
          maxRejectDetails: MAX_REJECT_DETAILS,
          onProgress: (p) => {
            const before = sizes.slice(0, p.index).reduce((s, n) => s + n, 0);
            setState({ status: 'loading', progress: p, totalBytes, doneBytes: before + p.bytes });
          },
        });
        // Cubes summarise the old data; the views rebuild them on demand.
        await dropMixCubes(engine);
        setReport(next);
        setVersion((v) => v + 1);
        setState({ status: 'idle' });
      } catch (err) {
        if (err instanceof LoadCancelled || abort.signal.aborted) {
          setState({
            status: 'error',
            message: 'Loading was cancelled. The data loaded before it is unchanged.',
          });
        } else {
          setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
        }
      } finally {
        controller.current = null;
      }
    },
    [report],
  );

  const cancel = useCallback(async () => {
    controller.current?.abort();
    const engine = await browserEngine();
    await engine.cancel();
  }, []);

  return { state, report, version, load, cancel };
}
