/**
 * Milliseconds the page has spent waiting on DuckDB's worker (a statement sent and its result
 * not yet back; overlapping statements count once), on <html data-sql-ms> when the worker goes
 * idle. `npm run bench` reads it to split a click's time between the worker and the main thread.
 */
let waiting = 0;
let waitingSince = 0;
let waitedMs = 0;

/** `work` (a round trip to the worker), counted on the clock. */
export async function inWorker<T>(work: () => Promise<T>): Promise<T> {
  if (waiting++ === 0) waitingSince = performance.now();
  try {
    return await work();
  } finally {
    if (--waiting === 0) {
      waitedMs += performance.now() - waitingSince;
      document.documentElement.dataset.sqlMs = waitedMs.toFixed(1);
    }
  }
}
