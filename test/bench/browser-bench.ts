/**
 * The browser half of `npm run bench`: the production build in headless Chromium, the real page
 * driven through its controls, next to raw duckdb-wasm reading the same files.
 */
import path from 'node:path';
import { build, preview } from 'vite';
import type { CDPSession, Page } from 'playwright-core';
import { launch } from '../browser/browser.ts';
import { ROLES } from './roles.ts';

/**
 * Installed before the page runs: records every long task's duration; the time of the first
 * input event of a step (`__in`, reset before each step); and the time of the first task after
 * the frame that follows the last change to the page's body (`__painted`), i.e. when the last
 * redraw has reached the screen. A step's time in the page is `__painted - __in`: what the
 * analyst waits, without the driver's own round trips and polling.
 */
const OBSERVE = `window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
window.__in = null; window.__painted = 0;
for (const t of ['pointerdown', 'mousedown', 'keydown', 'input', 'change', 'click']) window.addEventListener(t, (e) => { if (window.__in === null) window.__in = e.timeStamp; }, true);
const paintedAfter = () => requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }));
document.addEventListener('DOMContentLoaded', () => new MutationObserver(paintedAfter).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true }));`;

interface Sample {
  /** In the page: first input event → the frame after the last change to the page painted. */
  ms: number;
  /** From the driver: before the input is sent → settled (with its round trips and polling). */
  wall: number;
  /** Main-thread task time (CDP TaskDuration) during the step. */
  cpu: number;
  /** Time the page waited on DuckDB's worker during the step (statements in flight). */
  sql: number;
  /** Longest main-thread task during the step (0: none over 50 ms). */
  longest: number;
}

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
}

async function takeLongTasks(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    const xs = w.__long.splice(0);
    return xs.length ? Math.max(...xs) : 0;
  });
}

const counters = (page: Page) =>
  page.evaluate(() => ({
    started: Number(document.documentElement.dataset.queriesStarted ?? '0'),
    renders: Number(document.documentElement.dataset.renders ?? '0'),
    sql: Number(document.documentElement.dataset.sqlMs ?? '0'),
  }));

/**
 * Wait until the page has settled after an input: the shell has rendered it (or a query has
 * started), every query is done, and two frames later nothing new has started.
 */
async function settle(
  page: Page,
  before: { started: number; renders: number; sql: number },
): Promise<void> {
  for (;;) {
    await page.waitForFunction(
      (b) => {
        const d = document.documentElement.dataset;
        const taken =
          Number(d.renders ?? '0') > b.renders || Number(d.queriesStarted ?? '0') > b.started;
        return taken && (d.queries ?? '0') === '0';
      },
      before,
      { timeout: 900_000, polling: 'raf' },
    );
    const at = await counters(page);
    const quiet = await page.evaluate(
      (n) =>
        new Promise<boolean>((r) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() =>
              r(
                Number(document.documentElement.dataset.queriesStarted ?? '0') === n &&
                  (document.documentElement.dataset.queries ?? '0') === '0',
              ),
            ),
          ),
        ),
      at.started,
    );
    if (quiet) return;
  }
}

async function step(
  page: Page,
  cdp: CDPSession,
  act: () => Promise<unknown>,
  until?: () => Promise<unknown>,
): Promise<Sample> {
  await takeLongTasks(page);
  const before = await counters(page);
  await page.evaluate(() => {
    (window as unknown as { __in: number | null }).__in = null;
  });
  const cpu0 = await taskSeconds(cdp);
  const t0 = performance.now();
  await act();
  if (until) await until();
  await settle(page, before);
  const wall = performance.now() - t0;
  const cpu = ((await taskSeconds(cdp)) - cpu0) * 1000;
  const sql = (await counters(page)).sql - before.sql;
  const marks = await page.evaluate(() => {
    const w = window as unknown as { __in: number | null; __painted: number };
    return { input: w.__in, painted: w.__painted };
  });
  // No input event seen (none of the step's inputs is an event) or nothing redrawn: the
  // driver's figure is all there is.
  const ms =
    marks.input !== null && marks.painted > marks.input ? marks.painted - marks.input : wall;
  return { ms, wall, cpu, sql, longest: await takeLongTasks(page) };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

class Table {
  rows: string[][] = [];
  /** One step; `driver`: the driver's time is the figure (long steps with background work). */
  one(label: string, x: Sample, target = '', driver = false) {
    const ms = driver ? x.wall : x.ms;
    this.rows.push([
      label,
      fmt(ms),
      '',
      '',
      fmt(x.wall),
      fmt(x.cpu),
      fmt(x.sql),
      '',
      fmt(x.longest),
      target,
    ]);
  }
  many(label: string, xs: Sample[], target = '') {
    const med = (f: (x: Sample) => number) => fmt(quantile(xs.map(f), 0.5));
    const slowest = xs.reduce((m, x) => (x.ms > m.ms ? x : m));
    this.rows.push([
      `${label} (×${xs.length})`,
      med((x) => x.ms),
      fmt(
        quantile(
          xs.map((x) => x.ms),
          0.95,
        ),
      ),
      fmt(slowest.ms),
      med((x) => x.wall),
      med((x) => x.cpu),
      med((x) => x.sql),
      `${fmt(slowest.cpu)} / ${fmt(slowest.sql)}`,
      fmt(Math.max(...xs.map((x) => x.longest))),
      target,
    ]);
  }
  print() {
    console.log(
      '| step | median | p95 | max | driver wall (median) | main-thread CPU (median) | waiting on the worker (median) | slowest: main CPU / worker | longest task | target |\n|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of this.rows) console.log(`| ${r.join(' | ')} |`);
  }
}

/** Alternate an input between two values `runs` times each, after a first (uncached) pair. */
async function alternate(
  page: Page,
  cdp: CDPSession,
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ first: Sample[]; repeat: Sample[] }> {
  const first = [await step(page, cdp, a), await step(page, cdp, b)];
  const repeat: Sample[] = [];
  for (let i = 0; i < runs; i++) repeat.push(await step(page, cdp, a), await step(page, cdp, b));
  return { first, repeat };
}

async function rawReference(page: Page, files: string[]) {
  await page.locator('input[type=file]').setInputFiles(files);
  return page.evaluate(
    (roles) => {
      const w = window as unknown as {
        rawBench: (
          f: File[],
          r: unknown,
        ) => Promise<{ started: number; load: number; queries: number }>;
      };
      const input = document.querySelector('input[type=file]') as HTMLInputElement;
      return w.rawBench([...(input.files ?? [])], roles);
    },
    JSON.parse(JSON.stringify(ROLES)) as unknown,
  );
}

export async function benchBrowser(files: string[], runs: number): Promise<void> {
  console.log('\n# browser (production build, Chromium, duckdb-wasm in a Web Worker)');
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: {
      outDir: 'dist',
      rollupOptions: {
        input: { main: path.resolve('index.html'), raw: path.resolve('test/bench/raw.html') },
      },
    },
  });
  const server = await preview({
    configFile: 'vite.config.ts',
    preview: { port: 5399, host: '127.0.0.1' },
    logLevel: 'warn',
  });
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5399/';
  const browser = await launch();
  try {
    const rawPage = await (await browser.newContext()).newPage();
    await rawPage.goto(`${base}test/bench/raw.html`);
    const raw = await rawReference(rawPage, files);
    await rawPage.context().close();

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(OBSERVE);
    if (process.env.BENCH_STORAGE === 'memory')
      await page.addInitScript(() => sessionStorage.setItem('surgescope:storage', 'memory'));
    await page.goto(base);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const table = new Table();

    // Load: click → report shown; then the views are prepared.
    await page.getByLabel('Choose CSV files').setInputFiles(files);
    await page.getByRole('button', { name: /^Load \d+ files?$/ }).waitFor();
    const load = await step(page, cdp, async () => {
      await page.getByRole('button', { name: /^Load \d+ files?$/ }).click();
      await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 1_800_000 });
    });
    table.one('load 4 files (click → report)', load, `≤ 1.5 × raw (${fmt(raw.load * 1.5)})`, true);
    const ready = await step(page, cdp, () =>
      page.getByText('The views are ready').waitFor({ timeout: 1_800_000 }),
    );
    table.one('views prepared (after the report)', ready, '', true);
    if (process.env.BENCH_STORAGE !== 'memory') {
      const saved = await step(page, cdp, () =>
        page.waitForFunction(
          () =>
            document.documentElement.dataset.saving === '0' &&
            (document.querySelector('[data-testid="storage-summary"]')?.textContent ?? '').includes(
              'stored in this browser',
            ),
          undefined,
          { timeout: 1_800_000, polling: 200 },
        ),
      );
      table.one('saved to the browser’s storage (background, after that)', saved, '', true);
    }
    const facts = `${(await page.getByTestId('fact-signups').textContent()) ?? ''} signups, ${(await page.getByTestId('fact-posts').textContent()) ?? ''} posts`;

    // Waves
    table.one(
      'Waves, first draw',
      await step(
        page,
        cdp,
        () => page.getByRole('tab', { name: 'Waves' }).click(),
        () => page.getByTestId('waves-table').waitFor({ timeout: 600_000 }),
      ),
      '≤ 500 ms',
    );
    const gran = page.getByLabel('Granularity');
    const g = await alternate(
      page,
      cdp,
      runs,
      () => gran.selectOption('week'),
      () => gran.selectOption('day'),
    );
    table.many('granularity day ↔ week, first', g.first, '≤ 100 ms');
    table.many('granularity day ↔ week, again', g.repeat, '≤ 100 ms');
    const by = page.getByLabel('Break down signups by');
    const b = await alternate(
      page,
      cdp,
      runs,
      () => by.selectOption('country'),
      () => by.selectOption(''),
    );
    table.many('breakdown by country ↔ none', [...b.first, ...b.repeat], '≤ 100 ms');
    const from = page.getByLabel('From', { exact: true });
    const r = await alternate(
      page,
      cdp,
      runs,
      async () => {
        await from.fill('2025-01-10');
        await from.blur();
      },
      async () => {
        await from.fill('');
        await from.blur();
      },
    );
    table.many('date range from 2025-01-10 ↔ all', [...r.first, ...r.repeat], '≤ 100 ms');
    const wavesRows = page.getByTestId('waves-table').locator('tbody tr');
    const w = await alternate(
      page,
      cdp,
      runs,
      () => wavesRows.nth(0).click(),
      () => wavesRows.nth(1).click(),
    );
    table.many('select wave 1 ↔ 2', [...w.first, ...w.repeat], '≤ 100 ms');
    // A segment filter: add country, tick US, then toggle CA.
    const addFilter = page.getByLabel('Add a filter');
    table.one(
      'add a filter (country: values listed)',
      await step(page, cdp, () => addFilter.selectOption({ label: 'country' })),
    );
    table.one(
      'filter country = US',
      await step(page, cdp, () => page.getByRole('checkbox', { name: /^US\b/ }).check()),
      '≤ 100 ms',
    );
    const ca = page.getByRole('checkbox', { name: /^CA\b/ });
    const f = await alternate(
      page,
      cdp,
      runs,
      () => ca.check(),
      () => ca.uncheck(),
    );
    table.many('filter + CA ↔ − CA', [...f.first, ...f.repeat], '≤ 100 ms');
    await step(page, cdp, () =>
      page.getByRole('button', { name: 'Remove the filter on country' }).click(),
    );

    // Content mix
    table.one(
      'Content mix, first draw',
      await step(
        page,
        cdp,
        () => page.getByRole('tab', { name: 'Content mix' }).click(),
        () => page.getByTestId('movers-table').waitFor({ timeout: 600_000 }),
      ),
      '≤ 500 ms',
    );
    const mg = await alternate(
      page,
      cdp,
      runs,
      () => gran.selectOption('week'),
      () => gran.selectOption('day'),
    );
    table.many('mix granularity day ↔ week', [...mg.first, ...mg.repeat], '≤ 100 ms');
    const grp = await alternate(
      page,
      cdp,
      runs,
      () => page.getByRole('radio', { name: 'existing authors' }).check(),
      () => page.getByRole('radio', { name: 'newcomers' }).check(),
    );
    table.many('drift group existing ↔ newcomers', [...grp.first, ...grp.repeat], '≤ 100 ms');

    // Retention
    table.one(
      'Retention, first draw (builds its pre-aggregate)',
      await step(
        page,
        cdp,
        () => page.getByRole('tab', { name: 'Retention' }).click(),
        () =>
          page
            .locator('[data-testid="retention-triangle"] td[data-cohort]')
            .first()
            .waitFor({ timeout: 900_000 }),
      ),
      '≤ 500 ms',
    );
    const mode = await alternate(
      page,
      cdp,
      runs,
      () => page.getByRole('radio', { name: 'On or after' }).check(),
      () => page.getByRole('radio', { name: 'On', exact: true }).check(),
    );
    table.many('mode On ↔ On or after', [...mode.first, ...mode.repeat], '≤ 100 ms');
    const cohort = page.getByLabel('Cohort granularity');
    const c = await alternate(
      page,
      cdp,
      runs,
      () => cohort.selectOption('month'),
      () => cohort.selectOption('week'),
    );
    table.many('cohorts week ↔ month, first (month builds its pre-aggregate)', c.first, '≤ 100 ms');
    table.many('cohorts week ↔ month, again', c.repeat, '≤ 100 ms');
    const curves = page.getByRole('combobox', { name: 'Curves by' });
    const cb = await alternate(
      page,
      cdp,
      runs,
      () => curves.selectOption('country'),
      () => curves.selectOption(''),
    );
    table.many('curves by country ↔ wave group', [...cb.first, ...cb.repeat], '≤ 100 ms');

    console.log(`report: ${facts}`);
    console.log(
      `raw duckdb-wasm on the same files: start ${fmt(raw.started)}, read_csv into typed tables ${fmt(raw.load)}, plain aggregates ${fmt(raw.queries)}`,
    );
    console.log(`load ratio to raw read_csv: ${(load.wall / raw.load).toFixed(2)}`);
    table.print();
    if (errors.length) console.log(`console errors: ${errors.join(' / ')}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
