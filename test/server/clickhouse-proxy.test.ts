/**
 * The dev/preview servers' ClickHouse proxy against a stand-in ClickHouse (a local HTTP server
 * that records what reaches it): credentials come from the target only, the browser cannot
 * choose who it is or lift readonly, and the status endpoint always answers 200.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseProxy, proxyTargetFromEnv } from '../../src/server/clickhouse-proxy.ts';
import type { ProxyTarget } from '../../src/server/clickhouse-proxy.ts';

interface Seen {
  url: string;
  method: string;
  authorization: string | undefined;
  body: string;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const address = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

describe('clickhouseProxy', () => {
  let clickhouse: Server;
  let app: Server;
  let target: ProxyTarget | null = null;
  const seen: Seen[] = [];

  beforeAll(async () => {
    clickhouse = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          url: req.url ?? '',
          method: req.method ?? '',
          authorization: req.headers.authorization,
          body,
        });
        res.end(req.url === '/ping' ? 'Ok.\n' : '{"n":1}\n');
      });
    });
    const proxy = clickhouseProxy('/clickhouse', () => target);
    app = await listen((req, res) =>
      proxy(req, res, () => {
        res.statusCode = 418;
        res.end('not the proxy');
      }),
    );
  });
  afterAll(async () => {
    await new Promise((r) => app.close(r));
    await new Promise((r) => clickhouse.close(r));
  });

  const post = (query: string, body: string) =>
    fetch(`${address(app)}/clickhouse/${query}`, { method: 'POST', body });

  it('without a target: status says so with 200, queries get 503 saying what to set', async () => {
    target = null;
    const status = await fetch(`${address(app)}/clickhouse/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({
      ready: false,
      message: expect.stringContaining('CLICKHOUSE_URL') as unknown,
    });
    const q = await post('', 'SELECT 1');
    expect(q.status).toBe(503);
    expect(await q.text()).toContain('CLICKHOUSE_URL');
    expect(seen).toEqual([]);
  });

  it('forwards queries with the target’s credentials, readonly=2, and none of the browser’s', async () => {
    target = { url: address(clickhouse), user: 'analyst', password: 'p@ss' };
    const res = await post(
      '?default_format=JSONEachRow&user=admin&password=x&readonly=0&query_id=q1&wait_end_of_query=1',
      'SELECT 1',
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"n":1}\n');
    const last = seen[seen.length - 1] as Seen;
    const params = new URL(last.url, 'http://x').searchParams;
    expect(params.get('readonly')).toBe('2');
    expect(params.getAll('readonly')).toEqual(['2']);
    expect(params.get('user')).toBeNull();
    expect(params.get('password')).toBeNull();
    expect(params.get('query_id')).toBeNull();
    expect(params.get('default_format')).toBe('JSONEachRow');
    expect(params.get('wait_end_of_query')).toBe('1');
    expect(last.authorization).toBe(`Basic ${Buffer.from('analyst:p@ss').toString('base64')}`);
    expect(last.body).toBe('SELECT 1');
    // Without CLICKHOUSE_DATABASE the browser's choice of database passes (its default).
    expect(params.get('database')).toBeNull();
  });

  it('CLICKHOUSE_DATABASE names the database of every query, whatever the browser asks', async () => {
    target = proxyTargetFromEnv({ CLICKHOUSE_URL: address(clickhouse), CLICKHOUSE_DATABASE: 'sv' });
    expect(target?.database).toBe('sv');
    expect((await post('?database=system', 'SELECT 1')).status).toBe(200);
    const params = new URL((seen[seen.length - 1] as Seen).url, 'http://x').searchParams;
    expect(params.getAll('database')).toEqual(['sv']);
  });

  it('status pings the target; other paths and GET queries are refused; other URLs pass by', async () => {
    target = { url: address(clickhouse) };
    const status = await fetch(`${address(app)}/clickhouse/status`);
    expect(await status.json()).toEqual({ ready: true });
    expect((seen[seen.length - 1] as Seen).url).toBe('/ping');
    expect((await fetch(`${address(app)}/clickhouse/?query=SELECT%201`)).status).toBe(405);
    expect((await fetch(`${address(app)}/clickhouse/play`)).status).toBe(404);
    expect((await fetch(`${address(app)}/clickhousex`)).status).toBe(418);
    expect((await fetch(`${address(app)}/index.html`)).status).toBe(418);
  });

  it('a target that does not answer is a 502 / not-ready status, not a hang', async () => {
    target = { url: 'http://127.0.0.1:9' };
    const status = await fetch(`${address(app)}/clickhouse/status`);
    expect(await status.json()).toEqual({
      ready: false,
      message: expect.stringContaining('did not answer') as unknown,
    });
    expect((await post('', 'SELECT 1')).status).toBe(502);
  });

  it('credentials written into CLICKHOUSE_URL go to the header and are never echoed', () => {
    const t = proxyTargetFromEnv({ CLICKHOUSE_URL: 'http://analyst:s3cret@127.0.0.1:8123/' });
    expect(t).toEqual({ url: 'http://127.0.0.1:8123', user: 'analyst', password: 's3cret' });
    // The environment's own variables win over the URL's.
    expect(
      proxyTargetFromEnv({
        CLICKHOUSE_URL: 'http://a:b@h:1',
        CLICKHOUSE_USER: 'u',
        CLICKHOUSE_PASSWORD: 'p',
      }),
    ).toEqual({ url: 'http://h:1', user: 'u', password: 'p' });
    expect(proxyTargetFromEnv({})).toBeNull();
  });

  it('answers only the app’s own pages: a cross-site request is refused before anything is sent', async () => {
    target = { url: address(clickhouse) };
    const before = seen.length;
    const res = await fetch(`${address(app)}/clickhouse/`, {
      method: 'POST',
      body: 'SELECT 1',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(res.status).toBe(403);
    expect(seen.length).toBe(before);
    const own = await fetch(`${address(app)}/clickhouse/`, {
      method: 'POST',
      body: 'SELECT 1',
      headers: { 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });

  it('a client that goes away mid-request does not take the server down', async () => {
    target = { url: address(clickhouse) };
    const { port } = app.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /clickhouse/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nSELECT 1',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    // Still serving.
    const status = await fetch(`${address(app)}/clickhouse/status`);
    expect(status.status).toBe(200);
  });

  it('refuses a query text over 1 MB', async () => {
    target = { url: address(clickhouse) };
    const res = await post('', 'x'.repeat(1024 * 1024 + 1));
    expect(res.status).toBe(413);
  });
});
