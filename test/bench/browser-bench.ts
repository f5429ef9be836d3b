/** The browser half of `npm run bench`: Chromium, the Vite dev server, the real page. */
import { build, preview } from 'vite';
import type { Page } from 'playwright-core';
import { launch } from '../browser/browser.ts';

interface LongTasks {
  count: number;
  max: number;
}

/** Installed before the page runs: records every long task's duration. */
const OBSERVE = `window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });`;

async function takeLongTasks(page: Page): Promise<LongTasks> {
  return page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    const xs = w.__long.splice(0);
    return { count: xs.length, max: xs.length ? Math.max(...xs) : 0 };
  });
}

/** Wait until no query is in flight (the app mirrors the count on <html data-queries>). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (document.documentElement.dataset.queries ?? '0') === '0',
    undefined,
    {
      timeout: 600_000,
      polling: 10,
    },
  );
  // And the frame that draws the results.
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
}

async function timed(page: Page, label: string, act: () => Promise<void>, rows: string[][]) {
  await takeLongTasks(page);
  const t0 = performance.now();
  await act();
  await page.waitForTimeout(20); // let React schedule the queries
  await settled(page);
  const elapsed = performance.now() - t0;
  const lt = await takeLongTasks(page);
  rows.push([label, `${elapsed.toFixed(0)} ms`, String(lt.count), `${lt.max.toFixed(0)} ms`]);
}

export async function benchBrowser(files: string[]): Promise<void> {
  console.log('\n# browser (Chromium, duckdb-wasm in a Web Worker, through the page)');
  // The production build: what users run (React's development checks would distort timings).
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: 'dist' } });
  const server = await preview({
    configFile: 'vite.config.ts',
    preview: { port: 5399, host: '127.0.0.1' },
    logLevel: 'warn',
  });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(OBSERVE);
    await page.goto(server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5399/');
    const rows: string[][] = [];
    await page.getByLabel('Choose CSV files').setInputFiles(files);
    await timed(
      page,
      'load all files',
      async () => {
        await page.getByRole('button', { name: /^Load \d+ files?$/ }).click();
        await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 1_800_000 });
      },
      rows,
    );
    console.log(
      `report: ${(await page.getByTestId('fact-signups').textContent()) ?? ''} signups, ${(await page.getByTestId('fact-posts').textContent()) ?? ''} posts`,
    );
    await timed(
      page,
      'Waves tab, first draw',
      () => page.getByRole('tab', { name: 'Waves' }).click(),
      rows,
    );
    await timed(
      page,
      'granularity → week',
      () =>
        page
          .getByLabel('Granularity')
          .selectOption('week')
          .then(() => undefined),
      rows,
    );
    await timed(
      page,
      'granularity → day (cached)',
      () =>
        page
          .getByLabel('Granularity')
          .selectOption('day')
          .then(() => undefined),
      rows,
    );
    await timed(
      page,
      'break down by country',
      () =>
        page
          .getByLabel('Break down by')
          .selectOption('country')
          .then(() => undefined),
      rows,
    );
    await timed(
      page,
      'date range (brush-equivalent)',
      () => page.getByLabel('From', { exact: true }).fill('2025-01-10'),
      rows,
    );
    await timed(
      page,
      'Content mix tab, first draw',
      () => page.getByRole('tab', { name: 'Content mix' }).click(),
      rows,
    );
    await timed(
      page,
      'author group toggle',
      () => page.getByRole('radio', { name: 'existing authors' }).check(),
      rows,
    );
    await timed(
      page,
      'Retention tab, first draw',
      () => page.getByRole('tab', { name: 'Retention' }).click(),
      rows,
    );
    await timed(
      page,
      'On or after toggle',
      () => page.getByRole('radio', { name: 'On or after' }).check(),
      rows,
    );
    await timed(
      page,
      'cohort granularity → month',
      () =>
        page
          .getByLabel('Cohort granularity')
          .selectOption('month')
          .then(() => undefined),
      rows,
    );
    console.log('| step | time to settled | long tasks | longest |\n|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    if (errors.length) console.log(`console errors: ${errors.join(' / ')}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
