/** InputFile over a local path (CLI, tests). Node only. */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import type { InputFile } from './input-file.ts';

export function pathInput(filePath: string): InputFile {
  const abs = path.resolve(filePath);
  const size = statSync(abs).size;
  return {
    name: path.basename(abs),
    size,
    source: { kind: 'path', path: abs },
    head: async (n) => {
      const fd = openSync(abs, 'r');
      try {
        const buf = new Uint8Array(Math.min(n, size));
        const read = readSync(fd, buf, 0, buf.length, 0);
        return buf.subarray(0, read);
      } finally {
        closeSync(fd);
      }
    },
    chunks: async function* () {
      for await (const chunk of createReadStream(abs, { highWaterMark: 4 << 20 })) {
        yield chunk as Uint8Array;
      }
    },
  };
}
