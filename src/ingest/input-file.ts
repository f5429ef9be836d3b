/** A file to ingest, independent of where its bytes live (node path or browser File). */
import type { FileSource } from '../db/engine.ts';

export interface InputFile {
  /** The name shown in reports (the file's base name). */
  name: string;
  size: number;
  source: FileSource;
  /** The first `bytes` bytes. */
  head(bytes: number): Promise<Uint8Array>;
  /** The whole file in chunks, for the line scanner. */
  chunks(): AsyncIterable<Uint8Array>;
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

/** A browser File, read in place. */
export function browserFileInput(file: File): InputFile {
  return {
    name: file.name,
    size: file.size,
    source: { kind: 'browser-file', file },
    head: async (n) => new Uint8Array(await file.slice(0, n).arrayBuffer()),
    chunks: async function* () {
      const step = 4 << 20;
      for (let i = 0; i < file.size; i += step) {
        yield new Uint8Array(await file.slice(i, i + step).arrayBuffer());
      }
    },
  };
}
