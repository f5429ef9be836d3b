/**
 * A Web Worker that scans one file's bytes (record-scan.ts) off the main thread, so a 500 MB
 * scan neither blocks the page nor waits for it: it runs on the second core while DuckDB's
 * worker dedupes on the first.
 */
import { scanRecords } from './record-scan.ts';

export interface ScanRequest {
  file: Blob;
  delimiter: string;
  rejectLines: number[];
  wanted: number[];
  maxText?: number;
  spaceQuote?: boolean;
}

const CHUNK = 4 << 20;

self.onmessage = async (e: MessageEvent<ScanRequest>) => {
  const { file, delimiter, rejectLines, wanted, maxText, spaceQuote } = e.data;
  try {
    const chunks = async function* () {
      for (let i = 0; i < file.size; i += CHUNK)
        yield new Uint8Array(await file.slice(i, i + CHUNK).arrayBuffer());
    };
    const r = await scanRecords(chunks(), delimiter, {
      rejectLines: new Set(rejectLines),
      wanted: new Set(wanted),
      ...(maxText === undefined ? {} : { maxText }),
      ...(spaceQuote === undefined ? {} : { spaceQuote }),
    });
    const ordinals = Uint32Array.from(r.lineMap.ordinals);
    const lines = Uint32Array.from(r.lineMap.lines);
    self.postMessage(
      {
        ok: true,
        result: {
          accepted: r.accepted,
          located: [...r.located],
          rejected: [...r.rejected],
          unterminated: r.unterminated,
          end: r.end,
          openBreaks: r.openBreaks,
          openUnit: r.openUnit,
          openLine: r.openLine,
          malformed: r.malformed,
          lastOrdinal: r.lastOrdinal,
          lineMap: { ordinals, lines },
        },
      },
      { transfer: [ordinals.buffer, lines.buffer] },
    );
  } catch (err) {
    self.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  }
};
