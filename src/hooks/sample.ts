/** The committed sample exports, bundled by Vite as assets of the app itself. */
import { bufferInput } from '../ingest/input-file.ts';
import type { InputFile } from '../ingest/input-file.ts';

const urls = import.meta.glob('../../data/sample/*.csv', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const SAMPLE_FILES = Object.entries(urls)
  .map(([path, url]) => ({ name: path.split('/').pop() as string, url }))
  .sort((a, b) => a.name.localeCompare(b.name));

/** Fetch the sample files; signups first so posts can be grouped by their authors. */
export async function fetchSample(signal?: AbortSignal): Promise<InputFile[]> {
  const files = await Promise.all(
    SAMPLE_FILES.map(async ({ name, url }) => {
      const res = await fetch(url, signal ? { signal } : {});
      if (!res.ok) throw new Error(`Could not fetch the sample file ${name} (${res.status}).`);
      return bufferInput(name, new Uint8Array(await res.arrayBuffer()));
    }),
  );
  return files.sort(
    (a, b) => Number(b.name.startsWith('signups')) - Number(a.name.startsWith('signups')),
  );
}
