/** Start the app's Vite dev server once for all browser tests. */
import { createServer } from 'vite';
import type { ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: ViteDevServer | undefined;

export default async function setup(project: TestProject) {
  server = await createServer({
    configFile: 'vite.config.ts',
    // No hot updates: a source file saved during a run must not re-render a page mid-test (each
    // page still loads the sources as they are when it opens).
    server: { port: 5199, strictPort: false, host: '127.0.0.1', hmr: false },
    logLevel: 'error', // duckdb-wasm's source maps point outside the package: noise
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5199/';
  project.provide('baseUrl', url);
  return async () => {
    await server?.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
