/**
 * The dashboard end to end on the two-shard cluster, through the app server's same-origin proxy
 * (`/clickhouse`, target from CLICKHOUSE_URL, tables in CLICKHOUSE_DATABASE): "Connect to ClickHouse" on the Data tab, then
 * Waves, Content mix and Retention show the numbers node computes with DuckDB on the same files;
 * the link records the engine (and no credential); the proxy refuses writes. Needs Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer } from 'vite';
import type { ViteDevServer } from 'vite';
import { runAnalyze } from '../../src/cli/analyze.ts';
import { launch, openPage, screenshot } from '../browser/browser.ts';
import {
  TRIANGLE_CELLS,
  expectAccessible,
  nodeAnalysis,
  num,
  sampleFiles,
  showView,
  waveRows,
  wavesTable,
} from '../browser/helpers.ts';
import type { Expected } from '../browser/helpers.ts';
import { startCluster } from './cluster.ts';
import type { Cluster } from './cluster.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('the dashboard on a two-shard ClickHouse cluster, through the proxy', () => {
  let cluster: Cluster;
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let external: string[];
  let base: string;
  let expected: Expected;
  const previous = process.env.CLICKHOUSE_URL;
  const previousDatabase = process.env.CLICKHOUSE_DATABASE;

  beforeAll(async () => {
    cluster = await startCluster();
    const files = sampleFiles();
    const out = mkdtempSync(path.join(tmpdir(), 'surgescope-ch-dash-'));
    const load = await runAnalyze([
      ...files.flatMap((f) => [
        path.basename(f).startsWith('signups') ? '--signups' : '--posts',
        f,
      ]),
      '--out',
      out,
      '--clickhouse',
      cluster.urls.join(','),
      '--load',
      // Not the servers' default database: the proxy names it (CLICKHOUSE_DATABASE), and the
      // joins each shard runs must name it too.
      '--database',
      'surgescope',
    ]);
    expect(load).toEqual({ code: 0 });
    expected = await nodeAnalysis(files);
    process.env.CLICKHOUSE_URL = cluster.urls[0];
    process.env.CLICKHOUSE_DATABASE = 'surgescope';
    server = await createServer({
      configFile: 'vite.config.ts',
      server: { port: 5299, strictPort: false, host: '127.0.0.1', hmr: false },
      logLevel: 'error',
    });
    await server.listen();
    base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5299/';
    browser = await launch();
    ({ page, errors, external } = await openPage(browser, base));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await cluster?.stop();
    if (previous === undefined) delete process.env.CLICKHOUSE_URL;
    else process.env.CLICKHOUSE_URL = previous;
    if (previousDatabase === undefined) delete process.env.CLICKHOUSE_DATABASE;
    else process.env.CLICKHOUSE_DATABASE = previousDatabase;
  });

  it('connects from the Data tab and says which engine is in force', async () => {
    expect(await page.getByTestId('engine-badge').textContent()).toBe(
      'Engine: DuckDB in this browser',
    );
    await page.getByRole('button', { name: 'Connect to ClickHouse' }).click();
    const status = page.getByTestId('clickhouse-status');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toContain(
      `${expected.report.signups.toLocaleString('en-US')} signups and ${expected.report.posts.toLocaleString('en-US')} posts`,
    );
    expect(await page.getByTestId('engine-badge').textContent()).toMatch(
      /^Engine: ClickHouse 18\.16\.\S+ \(a cluster\)$/,
    );
    // The link records the engine, and nothing about how to reach or log in to it.
    const url = new URL(page.url());
    expect(url.searchParams.get('engine')).toBe('clickhouse');
    expect(page.url()).not.toContain(String(cluster.urls[0]));
    await screenshot(page, 'clickhouse-data');
    await expectAccessible(page, 'Data tab connected to ClickHouse');
  });

  it('Waves, Content mix and Retention show what DuckDB computes on the same files', async () => {
    await showView(page, 'Waves');
    const waves = expected.analysis.waves;
    if (!waves) throw new Error('node found no baseline');
    expect(await wavesTable(page)).toEqual(waveRows(waves.waves));
    expect(await page.getByTestId('surge-start').textContent()).toBe(expected.analysis.surgeStart);
    await screenshot(page, 'clickhouse-waves');

    await showView(page, 'Content mix');
    await page.getByTestId('drift-latest').waitFor({ timeout: 60_000 });
    const summary = (await page.getByTestId('drift-summary').textContent()) ?? '';
    const bucket = /last complete bucket \((\d{4}-\d{2}-\d{2})\)/.exec(summary)?.[1];
    const row = expected.analysis.drift.find((d) => d.group === 'new' && d.bucket_start === bucket);
    expect(row, summary).toBeDefined();
    expect(await page.getByTestId('drift-latest').textContent()).toBe(row?.jsd.toFixed(2));

    await showView(page, 'Retention');
    const cells = await page.locator(TRIANGLE_CELLS).evaluateAll((tds) =>
      tds.map((td) => ({
        cohort: (td as HTMLElement).dataset.cohort ?? '',
        period: Number((td as HTMLElement).dataset.period),
        text: td.textContent ?? '',
      })),
    );
    expect(cells.length).toBeGreaterThan(10);
    for (const c of cells.slice(0, 40)) {
      const want = expected.analysis.retention.find(
        (r) => r.cohort_start === c.cohort && r.period === c.period,
      );
      expect(want, `${c.cohort} period ${c.period}`).toBeDefined();
      const shown = num(/^([\d.]+%)/.exec(c.text)?.[1] ?? null);
      expect(shown).toBeCloseTo((want?.retention ?? NaN) * 100, 1);
    }
    await screenshot(page, 'clickhouse-retention');
    expect(errors).toEqual([]);
    // Every request went to the app's own origin (the proxy), none to the cluster.
    expect(external).toEqual([]);
  });

  it('the proxy is read-only and takes no credentials from the browser', async () => {
    const answer = await page.evaluate(async () => {
      const res = await fetch('/clickhouse/?user=default&readonly=0', {
        method: 'POST',
        body: 'DROP TABLE signups',
      });
      return { status: res.status, text: await res.text() };
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).toMatch(/readonly/i);
    // The table is still there.
    const count = await page.evaluate(async () => {
      const res = await fetch('/clickhouse/', {
        method: 'POST',
        body: 'SELECT count() FROM signups',
      });
      return (await res.text()).trim();
    });
    expect(Number(count)).toBe(expected.report.signups);
  });

  it('"Use the data in this browser" switches back', async () => {
    await page.getByRole('tab', { name: 'Data', exact: true }).click();
    await page.getByRole('button', { name: 'Use the data in this browser' }).click();
    expect(await page.getByTestId('engine-badge').textContent()).toBe(
      'Engine: DuckDB in this browser',
    );
    expect(new URL(page.url()).searchParams.get('engine')).toBeNull();
  });
});
