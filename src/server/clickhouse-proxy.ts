/**
 * The same-origin ClickHouse proxy of the dev and preview servers (`<base>clickhouse`). A browser
 * cannot send credentials through ClickHouse's CORS preflight reliably, and must never hold them:
 * the target and the credentials come from this server's environment (CLICKHOUSE_URL,
 * CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, and CLICKHOUSE_DATABASE for tables outside the user's
 * default database), never from the request. Every query is forwarded with
 * `readonly=2`: the dashboard reads, it never changes the cluster.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ProxyTarget {
  url: string;
  user?: string;
  password?: string;
  /** The database every query runs in; the user's default unless given. */
  database?: string;
}

/** The target named by the environment, or null when none is configured. */
export function proxyTargetFromEnv(env: NodeJS.ProcessEnv = process.env): ProxyTarget | null {
  const raw = env.CLICKHOUSE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: 'CLICKHOUSE_URL (not a URL)' };
  }
  // Credentials written into the URL move to the header (fetch refuses them in a URL), and the
  // URL the proxy names in its messages never holds them.
  const user = env.CLICKHOUSE_USER ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password =
    env.CLICKHOUSE_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined);
  url.username = '';
  url.password = '';
  const database = env.CLICKHOUSE_DATABASE?.trim() || undefined;
  return { url: url.href.replace(/\/+$/, ''), user, password, database };
}

/** Request settings the browser may not choose (who it is, and whether it may write). */
const REFUSED = new Set(['user', 'password', 'quota_key', 'readonly', 'query_id']);

/** Largest query text forwarded (the dashboard's queries are a few kilobytes). */
const MAX_BODY = 1024 * 1024;

function send(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** What `GET path/status` answers: whether a cluster is configured and answers, or why not. */
export interface ProxyStatus {
  ready: boolean;
  message?: string;
}

const NOT_CONFIGURED =
  'No ClickHouse is configured for this server. Start it with CLICKHOUSE_URL=http://host:8123 (and CLICKHOUSE_USER, CLICKHOUSE_PASSWORD if needed); see the README.';

/**
 * Connect-style middleware for `path` (e.g. `/clickhouse`): `GET path/status` answers (always
 * 200, so a page asking leaves no error in its console) whether a cluster is configured and
 * answers; `POST path/?settings` forwards the query text.
 */
export function clickhouseProxy(path: string, target: () => ProxyTarget | null) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = new URL(req.url ?? '/', 'http://proxy.local');
    if (url.pathname !== path && !url.pathname.startsWith(`${path}/`)) return next();
    // Only the app's own pages may use the proxy: a browser names the requesting site, and a
    // page elsewhere must not spend this server's credentials (tools without the header may).
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      return send(res, 403, 'The ClickHouse proxy answers this app’s own pages only');
    void (async () => {
      try {
        const t = target();
        const rest = url.pathname.slice(path.length).replace(/^\/+/, '');
        if (rest === 'status') {
          const status: ProxyStatus = t ? await ping(t) : { ready: false, message: NOT_CONFIGURED };
          res.statusCode = 200;
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(status));
          return;
        }
        if (!t) return send(res, 503, NOT_CONFIGURED);
        if (rest !== '' && rest !== 'ping') return send(res, 404, 'Not found');
        if (rest === '' && req.method !== 'POST') return send(res, 405, 'Queries are POSTed');
        const headers: Record<string, string> = {};
        if (t.user !== undefined) {
          const token = Buffer.from(`${t.user}:${t.password ?? ''}`).toString('base64');
          headers.Authorization = `Basic ${token}`;
        }
        let upstream: string;
        let body: Buffer | undefined;
        if (rest === 'ping') upstream = `${t.url}/ping`;
        else {
          const query = new URLSearchParams();
          for (const [k, v] of url.searchParams) if (!REFUSED.has(k)) query.append(k, v);
          query.set('readonly', '2');
          if (t.database) query.set('database', t.database);
          upstream = `${t.url}/?${query.toString()}`;
          const read = await readBody(req);
          if (read === null) return send(res, 413, 'Query too long');
          body = read;
        }
        try {
          const answer = await fetch(upstream, {
            method: rest === 'ping' ? 'GET' : 'POST',
            headers,
            body: body === undefined ? undefined : new Uint8Array(body),
          });
          send(res, answer.status, await answer.text());
        } catch (err) {
          send(
            res,
            502,
            `ClickHouse at ${t.url} did not answer: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      } catch (err) {
        // A client that went away mid-request, or anything else: answer if still possible; it
        // never takes the server down.
        if (!res.headersSent)
          send(res, 400, `Bad request: ${err instanceof Error ? err.message : String(err)}`);
        else res.end();
      }
    })();
  };
}

async function ping(t: ProxyTarget): Promise<ProxyStatus> {
  try {
    const res = await fetch(`${t.url}/ping`);
    return res.ok
      ? { ready: true }
      : { ready: false, message: `ClickHouse at ${t.url} answered ${res.status} to a ping.` };
  } catch (err) {
    return {
      ready: false,
      message: `ClickHouse at ${t.url} did not answer: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
