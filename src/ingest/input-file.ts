/** A file to ingest, independent of where its bytes live (node path or browser File). */
import type { FileSource } from '../db/engine.ts';
import type { ScanQuery, ScanResult } from './record-scan.ts';

export interface InputFile {
  /** The name shown in reports (the file's base name). */
  name: string;
  size: number;
  source: FileSource;
  /** The first `bytes` bytes. */
  head(bytes: number): Promise<Uint8Array>;
  /** The whole file in chunks, for the line scanner. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Scan the file elsewhere (a Web Worker) instead of here, where that is possible. */
  scan?: (delimiter: string, query: ScanQuery) => Promise<ScanResult>;
}

/** An in-memory file (tests, the CLI's small inputs, pasted text). */
export function bufferInput(name: string, data: string | Uint8Array): InputFile {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.length,
    source: { kind: 'buffer', bytes },
    head: async (n) => bytes.subarray(0, n),
    chunks: async function* () {
      const step = 1 << 20;
      for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, i + step);
    },
  };
}

/** Scan a Blob's bytes in a Web Worker (browsers), so the page's main thread stays free. */
function scanInWorker(file: Blob, delimiter: string, query: ScanQuery): Promise<ScanResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent) => {
      worker.terminate();
      const d = e.data as
        | {
            ok: true;
            result: Omit<ScanResult, 'located' | 'rejected'> & {
              located: [number, never][];
              rejected: [number, never][];
            };
          }
        | { ok: false; message: string };
      if (!d.ok) reject(new Error(d.message));
      else
        resolve({
          ...d.result,
          located: new Map(d.result.located),
          rejected: new Map(d.result.rejected),
        });
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'The line scanner failed.'));
    };
    worker.postMessage({
      file,
      delimiter,
      rejectLines: [...query.rejectLines],
      wanted: [...query.wanted],
      ...(query.maxText === undefined ? {} : { maxText: query.maxText }),
      ...(query.spaceQuote === undefined ? {} : { spaceQuote: query.spaceQuote }),
    });
  });
}

/** A browser File, read in place. */
export function browserFileInput(file: File): InputFile {
  return {
    name: file.name,
    size: file.size,
    source: { kind: 'browser-file', file },
    scan: typeof Worker === 'undefined' ? undefined : (d, q) => scanInWorker(file, d, q),
    head: async (n) => new Uint8Array(await file.slice(0, n).arrayBuffer()),
    chunks: async function* () {
      const step = 4 << 20;
      for (let i = 0; i < file.size; i += step) {
        yield new Uint8Array(await file.slice(i, i + step).arrayBuffer());
      }
    },
  };
}
