/**
 * Issue 12's sweep: every view in light and dark at 1366 px and 390 px passes axe, does not
 * scroll sideways and shows no data name (a snake_case word that is not one of the analyst's own
 * column names); the tab order runs down the page with one stop per chart; each chart has a text
 * summary and its numbers as a table; the time-zone field browses the whole zone list.
 * Screenshots of every sweep step are kept in test-artifacts/sweep-*.png.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { VIEWPORT, launch, openPage, screenshot } from './browser.ts';
import {
  expectAccessible,
  horizontalOverflow,
  loadSample,
  nodeAnalysis,
  num,
  sampleFiles,
  settle,
  showView as show,
} from './helpers.ts';
import type { Expected, ViewName } from './helpers.ts';

const VIEWS: ViewName[] = ['Data', 'Waves', 'Content mix', 'Retention'];
const SLUG: Record<ViewName, string> = {
  Data: 'data',
  Waves: 'waves',
  'Content mix': 'mix',
  Retention: 'retention',
};

async function showView(page: Page, view: ViewName): Promise<void> {
  await show(page, view);
  if (view === 'Content mix') await page.getByTestId('drift-latest').waitFor({ timeout: 60_000 });
  // Charts draw after their data: let ResponsiveContainer measure and recharts paint.
  await page.waitForTimeout(500);
}

/** The analyst's own column names (header cells of the sample files), which may be snake_case. */
function ownColumnNames(): Set<string> {
  const names = new Set<string>();
  for (const file of sampleFiles()) {
    const header =
      readFileSync(file, 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0] ?? '';
    for (const cell of header.split(/[,;\t]/)) names.add(cell.trim().toLowerCase());
  }
  return names;
}

/**
 * snake_case words in the page's visible headings, captions, column headers and field labels,
 * file names and the analyst's own column names left out. (Values are the analyst's data and may
 * be anything; only the app's own words are checked.)
 */
async function dataNames(page: Page, own: ReadonlySet<string>): Promise<string[]> {
  const text = await page.evaluate(() =>
    [
      ...document.querySelectorAll(
        'h1, h2, h3, h4, caption, legend, thead th, [role="columnheader"], dt, .field > label, label:not(:has(input[type="checkbox"], input[type="radio"]))',
      ),
    ]
      .map((e) => (e as HTMLElement).innerText)
      .join('\n'),
  );
  if (text.trim() === '') throw new Error('no headings, headers or labels found to check');
  const words = text
    .replace(/[\w.-]+\.(csv|tsv|txt|json|png|svg)\b/gi, ' ')
    .match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g);
  return [...new Set(words ?? [])].filter((w) => !own.has(w));
}

interface Stop {
  /** aria-label of the chart figure holding the stop, or null. */
  chart: string | null;
  /** In the chart's toolbar or its data table (buttons), not the chart itself. */
  chrome: boolean;
  name: string;
  /** Order in the document relative to the previous stop: 1 after, -1 before, 0 first. */
  order: number;
}

/** Press Tab from the view's tab until focus leaves the page or comes back round. */
async function tabStops(page: Page, view: ViewName): Promise<Stop[]> {
  await page.getByRole('tab', { name: view, exact: true }).focus();
  await page.evaluate(() => {
    const w = window as unknown as { __stops?: Element[] };
    w.__stops = [];
  });
  const stops: Stop[] = [];
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const w = window as unknown as { __stops: Element[] };
      const e = document.activeElement;
      if (!e || e === document.body || w.__stops.includes(e)) return null;
      const prev = w.__stops[w.__stops.length - 1];
      w.__stops.push(e);
      const figure = e.closest('figure.chart');
      const labels = (e as HTMLInputElement).labels;
      return {
        chart: figure?.getAttribute('aria-label') ?? null,
        chrome: Boolean(e.closest('.chart-toolbar, .chart-data')),
        name: (
          e.getAttribute('aria-label') ??
          (labels && labels[0] ? labels[0].textContent : null) ??
          e.textContent ??
          ''
        )
          .trim()
          .slice(0, 60),
        order: !prev
          ? 0
          : prev.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING
            ? 1
            : -1,
      };
    });
    if (stop === null) break;
    stops.push(stop);
  }
  return stops;
}

describe('readability sweep', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let expected: Expected;
  const own = ownColumnNames();

  beforeAll(async () => {
    expected = await nodeAnalysis(sampleFiles());
    browser = await launch();
    ({ page, errors } = await openPage(browser, inject('baseUrl')));
    await loadSample(page);
    // The breakdown chart and the attribution table are part of the Waves view: show them.
    await show(page, 'Waves');
    await page.getByLabel('Break down signups by').selectOption('country');
    await settle(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('every view, light and dark, at 1366 px and 390 px: axe clean, no sideways scroll, no data names', async () => {
    try {
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          for (const view of VIEWS) {
            const label = `${view}, ${scheme}, ${width} px`;
            await showView(page, view);
            await screenshot(page, `sweep-${SLUG[view]}-${scheme}-${width}`);
            await expectAccessible(page, label);
            const { scroll } = await horizontalOverflow(page);
            expect(scroll, `${label}: page is ${scroll} px wide`).toBeLessThanOrEqual(width + 1);
            expect(await dataNames(page, own), `${label}: data names on screen`).toEqual([]);
          }
        }
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize(VIEWPORT);
    }
    expect(errors).toEqual([]);
  });

  it('tab order runs down the page, and each chart is one tab stop besides its toolbar', async () => {
    for (const view of VIEWS) {
      await showView(page, view);
      const stops = await tabStops(page, view);
      expect(stops.length, `${view}: tab stops`).toBeGreaterThan(3);
      const backwards = stops.filter((s) => s.order < 0).map((s) => s.name);
      expect(backwards, `${view}: stops that go back up the page`).toEqual([]);
      const perChart = new Map<string, number>();
      for (const s of stops)
        if (s.chart !== null && !s.chrome) perChart.set(s.chart, (perChart.get(s.chart) ?? 0) + 1);
      const figures = await page.locator('figure.chart').count();
      if (view !== 'Data') expect(perChart.size, `${view}: charts reached by Tab`).toBe(figures);
      for (const [chart, n] of perChart) expect(n, `${view}: stops in "${chart}"`).toBe(1);
      // Every stop has a name a screen reader can say.
      const unnamed = stops.filter((s) => s.name === '');
      expect(unnamed, `${view}: unnamed stops`).toEqual([]);
    }
  });

  it('each chart has a summary and its numbers as a table; the Waves table adds up to the signups', async () => {
    await showView(page, 'Waves');
    const chart = page.getByRole('figure', { name: 'Signups over time with waves' });
    const total = expected.analysis.signups.reduce((s, p) => s + p.value, 0);
    // The summary is the figure's description and states the total of the range shown.
    const summary = await chart.locator('figcaption').textContent();
    expect(summary).toMatch(/^Signups per day from 2024-12-01 to /);
    expect(summary).toContain(`${total.toLocaleString('en-US')} in all`);
    const describedBy = await chart.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(summary);

    const toggle = chart.getByRole('button', { name: /^Table of Signups over time/ });
    await toggle.click();
    const table = chart.getByRole('region', { name: 'Data of Signups over time' });
    const headers = await table.locator('thead th').allTextContents();
    expect(headers).toEqual(['Day', 'Signups', 'Cumulative signups', 'Wave']);
    const rows = await table.locator('tbody tr').count();
    expect(rows).toBe(expected.analysis.signups.length);
    const last = await table.locator('tbody tr').last().locator('td').allTextContents();
    expect(num(last[1] ?? null)).toBe(total);
    // Wave numbers are the screen's (#1 first) and each wave's buckets are marked.
    const waves = expected.analysis.waves?.waves ?? [];
    const marked = await table.locator('tbody tr td:last-child').allTextContents();
    expect(new Set(marked.filter((t) => t !== ''))).toEqual(
      new Set(waves.map((_, i) => `#${i + 1}`)),
    );
    await expectAccessible(page, 'Waves with its data table open');
    await chart.getByRole('button', { name: /^Hide table of/ }).click();
    expect(await table.count()).toBe(0);

    // Each mix multiple: shares per row add up to 100 % (rounded to 0.1 each).
    await showView(page, 'Content mix');
    const mix = page.getByRole('figure', { name: /^Category shares of posts by newcomers/ });
    expect(await mix.locator('figcaption').textContent()).toMatch(
      /^Share of each category in posts by newcomers, per day; in .* the largest is .* at [\d.]+% of [\d,]+ posts\.$/,
    );
    await mix.getByRole('button', { name: /^Table of/ }).click();
    const mixRows = mix.locator('.chart-data tbody tr');
    expect(await mixRows.count()).toBeGreaterThan(5);
    for (const cells of [
      await mixRows.first().locator('td').allTextContents(),
      await mixRows.last().locator('td').allTextContents(),
    ]) {
      const shares = cells.slice(1).map((c) => num(c) ?? NaN);
      const sum = shares.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 100)).toBeLessThan(0.1 * shares.length);
    }

    // Retention curves: one column per drawn curve, a row per period from 0.
    await showView(page, 'Retention');
    const curves = page.getByRole('figure', { name: /^Retention by week since signup/ });
    expect(await curves.locator('figcaption').textContent()).toMatch(
      /^Share of each cohort group still active each week after signup, for \d+ curves?; week 1: /,
    );
    const curvesSummary = (await curves.locator('figcaption').textContent()) ?? '';
    await curves.getByRole('button', { name: /^Table of/ }).click();
    const curveHeaders = await curves.locator('.chart-data thead th').allTextContents();
    expect(curveHeaders[0]).toBe('Week since signup');
    const periods = await curves.locator('.chart-data tbody th').allTextContents();
    expect(periods.slice(0, 2)).toEqual(['0', '1']);
    // The summary's week-1 figures are the table's week-1 row, curve by curve.
    const week1 = await curves
      .locator('.chart-data tbody tr')
      .nth(1)
      .locator('td')
      .allTextContents();
    curveHeaders.slice(1).forEach((name, i) => {
      const cell = week1[i] ?? '';
      if (cell !== '') expect(curvesSummary).toContain(`${name} ${cell}`);
      if (cell !== '') expect(num(cell)).toBeLessThanOrEqual(100);
    });
    expect(errors).toEqual([]);
  });

  it('the time-zone field browses the whole IANA list and keeps the zone when left untouched', async () => {
    await showView(page, 'Waves');
    const zone = page.getByLabel('Time zone', { exact: true });
    expect(await zone.inputValue()).toBe('UTC');
    await zone.focus();
    // Empty while focused (so the datalist offers every zone), the zone in force as placeholder.
    expect(await zone.inputValue()).toBe('');
    expect(await zone.getAttribute('placeholder')).toBe('UTC');
    const listed = await page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement;
      return input.list ? input.list.options.length : 0;
    });
    const known = await page.evaluate(() => Intl.supportedValuesOf('timeZone').length);
    expect(listed).toBeGreaterThanOrEqual(known);
    await zone.blur();
    expect(await zone.inputValue()).toBe('UTC');
    expect(errors).toEqual([]);
  });
});
