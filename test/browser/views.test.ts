/**
 * The three analysis views on the sample: each renders, its numbers match what node computes
 * with the CLI's code, axe finds nothing serious and screenshots are kept. The sweep of every view
 * in light and dark at 1366 and 390 px is readability.test.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, screenshot } from './browser.ts';
import {
  TRIANGLE_CELLS,
  bodyRows,
  columnIndex,
  expectAccessible,
  loadSample,
  nodeAnalysis,
  num,
  sampleFiles,
  showView as show,
  waveRows,
  wavesTable,
} from './helpers.ts';
import type { Expected, ViewName } from './helpers.ts';
import type { RetentionCell } from '../../src/metrics/retention.ts';

/** Open a view and let the charts finish drawing before screenshots and axe. */
async function showView(page: Page, view: ViewName): Promise<void> {
  await show(page, view);
  if (view === 'Content mix') await page.getByTestId('drift-latest').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(800);
}

/** A colour custom property of the page's root, as the browser resolves it (rgb(...)). */
const cssVarColor = (page: Page, name: string) =>
  page.evaluate((n) => {
    const probe = document.createElement('div');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(n);
    document.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    return color;
  }, name);

/** A computed style property of the first element matching `selector` (null: none). */
const computedOf = (page: Page, selector: string, property: 'fill' | 'color') =>
  page.evaluate(
    ([sel, prop]) => {
      const e = document.querySelector(sel);
      return e ? getComputedStyle(e)[prop] : null;
    },
    [selector, property] as const,
  );

/** A cell of the movers table as a number: "23.6%", "+16.1 pp", "-16.3 pp". */
const moverNumber = (text: string | undefined) =>
  num((text ?? '').replace(/\s*pp$/, '').replace(/^\+/, '')) as number;

/** "15.5%(9)" or "15.5%*(9)" (incomplete) → rate in percent, count, starred. */
function parseCell(text: string): { pct: number | null; count: number; starred: boolean } {
  const m = /^(—|[\d.]+%)(\*?)\s*\(([\d,]+)\)$/.exec(text.trim());
  if (!m) throw new Error(`Unexpected retention cell text: "${text}"`);
  return { pct: num(m[1] as string), count: num(m[3] as string) as number, starred: m[2] === '*' };
}

/** A few (cohort, period) cells: first, middle and last cohorts, early and late periods. */
function pickCells(cells: readonly RetentionCell[]): RetentionCell[] {
  const cohorts = [...new Set(cells.map((c) => c.cohort_start))].sort();
  const at = (cohort: string | undefined, period: number) =>
    cells.find((c) => c.cohort_start === cohort && c.period === period);
  const first = cohorts[0];
  const mid = cohorts[Math.floor(cohorts.length / 2)];
  const last = cohorts[cohorts.length - 1];
  const firstMax = Math.max(...cells.filter((c) => c.cohort_start === first).map((c) => c.period));
  const picks = [
    at(first, 0),
    at(first, 1),
    at(first, firstMax),
    at(mid, 0),
    at(mid, 1),
    at(mid, 2),
    at(last, 0),
  ].filter((c): c is RetentionCell => c !== undefined);
  expect(picks.length).toBe(7);
  expect(picks.some((c) => !c.complete)).toBe(true);
  return picks;
}

describe('analysis views on the sample', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let external: string[];
  let expected: Expected;

  beforeAll(async () => {
    expected = await nodeAnalysis(sampleFiles());
    browser = await launch();
    ({ page, errors, external } = await openPage(browser, inject('baseUrl')));
    await loadSample(page);
  });
  afterAll(async () => browser?.close());

  it('Waves: baseline, threshold and every wave match node', async () => {
    await showView(page, 'Waves');
    const waves = expected.analysis.waves;
    if (!waves) throw new Error('node found no baseline');
    expect(num(await page.getByTestId('baseline-median').textContent())).toBeCloseTo(
      waves.baseline.median,
      2,
    );
    expect(num(await page.getByTestId('baseline-threshold').textContent())).toBeCloseTo(
      waves.baseline.threshold,
      2,
    );
    expect(await page.getByTestId('baseline-window').textContent()).toBe(
      `${waves.baseline.from} to ${waves.baseline.to}`,
    );
    expect(await page.getByTestId('surge-start').textContent()).toBe(expected.analysis.surgeStart);
    expect(await page.getByTestId('frame-in-force').textContent()).toContain(
      `detected on all the data (signups per day): baseline ${waves.baseline.from} to ${waves.baseline.to}, ${waves.waves.length} waves`,
    );
    expect(await page.getByTestId('baseline-summary').textContent()).toMatch(/^Baseline: median /);
    expect(waves.waves.length).toBeGreaterThan(0);
    expect(await wavesTable(page)).toEqual(waveRows(waves.waves));
    await screenshot(page, 'view-waves');
    await expectAccessible(page, 'Waves (light)');
    expect(errors).toEqual([]);
  });

  it('Content mix: latest newcomer drift and the top movers match node', async () => {
    await showView(page, 'Content mix');
    const summary = (await page.getByTestId('drift-summary').textContent()) ?? '';
    const bucket = /last complete bucket \((\d{4}-\d{2}-\d{2})\)/.exec(summary)?.[1];
    expect(bucket, summary).toBeDefined();
    const newDrift = expected.analysis.drift.filter((d) => d.group === 'new');
    // The last complete day bucket is the last one before the day holding the data's end.
    const endDay = (expected.report.dataset_end ?? '').slice(0, 10);
    const lastComplete = newDrift
      .map((d) => d.bucket_start)
      .filter((b) => b < endDay)
      .sort()
      .pop();
    expect(bucket).toBe(lastComplete);
    const row = newDrift.find((d) => d.bucket_start === bucket);
    expect(row).toBeDefined();
    expect(await page.getByTestId('drift-latest').textContent()).toBe(row?.jsd.toFixed(2));

    // Default movers window: the first wave.
    expect(await page.getByLabel('Movers from').inputValue()).toBe(expected.moversWindow.from);
    expect(await page.getByLabel('Movers to').inputValue()).toBe(expected.moversWindow.to);
    const col = await columnIndex(page, 'movers-table');
    const rows = await bodyRows(page, 'movers-table');
    expect([...col.keys()]).toEqual([
      'Category',
      'Baseline share (%)',
      'Window share (%)',
      'Change (pp)',
    ]);
    expect(rows.map((r) => r[col.get('Category') as number])).toEqual(
      expected.movers.map((m) => m.category),
    );
    rows.forEach((r, i) => {
      const m = expected.movers[i];
      if (!m) return;
      const cell = (h: string) => moverNumber(r[col.get(h) as number]);
      expect(Math.abs(cell('Baseline share (%)') - m.baseline_share * 100)).toBeLessThanOrEqual(
        0.051,
      );
      expect(Math.abs(cell('Window share (%)') - m.window_share * 100)).toBeLessThanOrEqual(0.051);
      expect(Math.abs(cell('Change (pp)') - m.change_pp)).toBeLessThanOrEqual(0.051);
      // Changes are signed points: "+15.6 pp", "-16.3 pp".
      expect(r[col.get('Change (pp)') as number]).toMatch(/^([+-]\d+\.\d|0\.0) pp$/);
    });
    await screenshot(page, 'view-mix');
    await expectAccessible(page, 'Content mix (light)');
    expect(errors).toEqual([]);
  });

  it('Retention: triangle cells match node in both "On" and "On or after" modes', async () => {
    await showView(page, 'Retention');
    const cells = expected.analysis.retention;
    expect(await page.locator(TRIANGLE_CELLS).count()).toBe(cells.length);
    const picks = pickCells(cells);
    const check = async (mode: 'on' | 'on_or_after') => {
      for (const c of picks) {
        const td = page.locator(
          `${TRIANGLE_CELLS.replace('td[data-cohort]', '')}td[data-cohort="${c.cohort_start}"][data-period="${c.period}"]`,
        );
        const got = parseCell((await td.textContent()) ?? '');
        const active = mode === 'on' ? c.active_users : c.active_on_or_after;
        const where = `${mode} ${c.cohort_start} p${c.period}`;
        expect(got.count, where).toBe(active);
        expect(got.pct, where).toBeCloseTo((100 * active) / c.cohort_size, 1);
        expect(got.starred, where).toBe(!c.complete);
        expect(await td.getAttribute('data-complete'), where).toBe(String(c.complete));
      }
    };
    await page.getByRole('radio', { name: 'On', exact: true }).check();
    await check('on');
    await screenshot(page, 'view-retention');
    await expectAccessible(page, 'Retention, On (light)');

    await page.getByRole('radio', { name: 'On or after' }).check();
    await page
      .getByRole('heading', { name: 'Retention by cohort (active in or after it)' })
      .waitFor();
    await check('on_or_after');
    await screenshot(page, 'view-retention-on-or-after');
    await expectAccessible(page, 'Retention, On or after (light)');
    await page.getByRole('radio', { name: 'On', exact: true }).check();
    expect(errors).toEqual([]);
  });

  it('dark theme is designed: the brush, notices and legend text take the dark colours', async () => {
    // The axe sweep of every view in both schemes and at two widths is readability.test.ts.
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await showView(page, 'Waves');
      expect(await cssVarColor(page, '--panel')).toBe('rgb(22, 27, 34)');
      expect(await computedOf(page, '.recharts-brush > rect', 'fill')).toBe('rgb(22, 27, 34)');
      // Legend text is read in the text colour (the swatch carries the series colour).
      await showView(page, 'Retention');
      expect(await cssVarColor(page, '--fg')).toBe('rgb(230, 237, 243)');
      expect(await computedOf(page, '.recharts-legend-item-text', 'color')).toBe(
        'rgb(230, 237, 243)',
      );
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });

  it('wave bands: each accessible name holds its visible peak label (axe, WCAG 2.5.3)', async () => {
    await showView(page, 'Waves');
    const bands = page.locator('[data-export="main"] [role="button"].wave-band');
    expect(await bands.count()).toBe(expected.analysis.waves?.waves.length);
    await expectAccessible(page, 'Waves: the wave bands');
  });

  it('dark theme: the primary button ("Go to Waves") has 4.5:1 text contrast (axe)', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await showView(page, 'Data');
      await page.getByRole('button', { name: 'Go to Waves' }).waitFor();
      await expectAccessible(page, 'Data (dark)');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });
});
