import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { clickhouseProxy, proxyTargetFromEnv } from './src/server/clickhouse-proxy.ts';

/**
 * The Content-Security-Policy the app runs under (README "Security"): scripts, workers, fetches
 * and images from the app's own origin only; 'wasm-unsafe-eval' lets duckdb-wasm compile its
 * module, and nothing may evaluate strings as code. data:/blob: images are the chart exports.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every response carries, from the dev server, the preview server and static hosting. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The dev server's policy: the same, plus what Vite's dev mode itself needs. Its page carries
 * an inline module script (React Refresh's preamble), allowed by a nonce Vite writes on every
 * script tag it serves; the HMR client talks to the server over a WebSocket on the page's own
 * host (named exactly, from the request).
 */
function devPolicy(nonce: string, req: IncomingMessage): string {
  const host = req.headers.host;
  const ws = host && /^[\w.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
  ).replace("connect-src 'self'", `connect-src 'self'${ws}`);
}

/** Serve the security headers from the dev server (`dev` set) and the preview server. */
function securityHeaders(dev: { nonce: string } | null): Plugin {
  const set = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (dev) res.setHeader('Content-Security-Policy', devPolicy(dev.nonce, req));
    next();
  };
  return {
    name: 'surgescope-security-headers',
    configureServer(server) {
      server.middlewares.use(set);
    },
    configurePreviewServer(server) {
      server.middlewares.use(set);
    },
  };
}

/** `<base>clickhouse`: the same-origin ClickHouse proxy (src/server/clickhouse-proxy.ts). */
function clickhouse(): Plugin {
  let base = '/';
  // Returns nothing: a function returned from configureServer would run as a later hook.
  const use = (server: {
    middlewares: { use: (f: ReturnType<typeof clickhouseProxy>) => unknown };
  }): void => {
    // The environment is read per request: a test can start a cluster after the server.
    server.middlewares.use(clickhouseProxy(`${base}clickhouse`, () => proxyTargetFromEnv()));
  };
  return {
    name: 'surgescope-clickhouse-proxy',
    configResolved(config) {
      base = config.base;
    },
    configureServer: use,
    configurePreviewServer: use,
  };
}

export default defineConfig(({ command, isPreview }) => {
  // A nonce per dev-server start; the production build has no inline script and needs none.
  const dev =
    command === 'serve' && !isPreview ? { nonce: randomBytes(16).toString('base64') } : null;
  return {
    plugins: [react(), securityHeaders(dev), clickhouse()],
    html: dev ? { cspNonce: dev.nonce } : {},
    worker: { format: 'es' },
    build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
    optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  };
});
