/**
 * Long text from the data never sets a width: with a 10,000-character category and a
 * 2,000-character segment value (no space in either), no table, panel, legend, picker or
 * tooltip is wider than the viewport on any view, and wherever the value is shown cut, its
 * full text is on hover (the title of the element under the pointer). A value too long for a
 * link is refused with a notice instead of throwing; an exported chart names it by its start.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VIEWPORT, launch, openPage, screenshot } from './browser.ts';
import { FIXTURES, T, control, idle, settle, showView } from './helpers.ts';

const SIGNUPS = path.join(FIXTURES, 'signups_longtext.csv');
const POSTS = path.join(FIXTURES, 'posts_longtext.csv');

/** The longest value of a column of a fixture (plain CSV: no quoted commas in these files). */
function longest(file: string, column: string): string {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const i = (header ?? '').split(',').indexOf(column);
  return rows.map((r) => r.split(',')[i] ?? '').reduce((a, b) => (b.length > a.length ? b : a), '');
}

const LONG_CATEGORY = longest(POSTS, 'category');
const LONG_VALUE = longest(SIGNUPS, 'campaign');

/** Elements wider than the viewport or reaching past its right edge, as short descriptions. */
function tooWide(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    const boxes = document.querySelectorAll(
      'table, .panel, figure, fieldset, section, ul, details, .notice, .recharts-default-tooltip, .series-tooltip',
    );
    for (const el of boxes) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.width > vw || r.right > vw + 1 || el.scrollWidth > vw)
        out.push(
          `${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.width)}px wide (scroll ${el.scrollWidth}), right edge ${Math.round(r.right)}`,
        );
    }
    if (document.documentElement.scrollWidth > vw)
      out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px`);
    return out;
  });
}

async function expectFits(page: Page, where: string): Promise<void> {
  expect(await tooWide(page), `wider than the viewport (${VIEWPORT.width}px) on ${where}`).toEqual(
    [],
  );
}

/**
 * The element shows `full` cut (narrower than the value, at most `maxWidth` px), and hovering it
 * puts the pointer over an element whose title is the full value.
 */
async function expectCutWithTitle(el: Locator, full: string, maxWidth: number): Promise<void> {
  await el.scrollIntoViewIfNeeded();
  const box = await el.boundingBox();
  expect(box, 'the element is drawn').not.toBeNull();
  expect(box!.width).toBeGreaterThan(0);
  expect(box!.width).toBeLessThanOrEqual(maxWidth);
  await el.hover();
  const title = await el.page().evaluate(
    ([x, y]) =>
      document
        .elementFromPoint(x as number, y as number)
        ?.closest('[title]')
        ?.getAttribute('title') ?? null,
    [box!.x + Math.min(box!.width / 2, 20), box!.y + box!.height / 2],
  );
  expect(title?.length, 'the title under the pointer').toBe(full.length);
  expect(title === full, 'the title holds the full value').toBe(true);
}

/**
 * Move the pointer across a chart (left to right, from `from` to `to` of its width) until its
 * tooltip shows `text`; the tooltip.
 */
async function hoverUntil(
  page: Page,
  chart: Locator,
  tooltip: Locator,
  text: string,
  from = 0.5,
  to = 0.95,
): Promise<Locator> {
  // The plot's own surface (legend icons are recharts surfaces too).
  const surface = chart.locator('.recharts-wrapper > svg.recharts-surface').first();
  await surface.scrollIntoViewIfNeeded();
  const box = await surface.boundingBox();
  expect(box, 'the chart is drawn').not.toBeNull();
  for (let f = from; f <= to; f += 0.02) {
    await page.mouse.move(box!.x + box!.width * f, box!.y + box!.height * 0.5);
    await page.waitForTimeout(60);
    if (await tooltip.filter({ hasText: text }).isVisible()) return tooltip;
  }
  throw new Error(`No tooltip showing "${text}" across the chart`);
}

/** A chart's SVG export names the value by its start, never in full. */
async function expectExportNamesByStart(page: Page, title: string, full: string): Promise<void> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Download ${title} as SVG`, exact: true }).click(),
  ]);
  const svg = readFileSync((await download.path()) as string, 'utf8');
  expect(svg, `${title}: the start of the value`).toContain(full.slice(0, 40));
  expect(svg.includes(full.slice(0, 200)), `${title}: no 200 characters of the value`).toBe(false);
}

/** An element showing `text` (matched by a unique piece of it, the end marker). */
const showing = (scope: Page | Locator, marker: string, selector = '[title]') =>
  scope.locator(selector).filter({ hasText: marker }).first();

describe('long text from the data', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('fixtures hold a 10,000-character category and a 2,000-character segment value', () => {
    expect(LONG_CATEGORY).toHaveLength(10_000);
    expect(LONG_VALUE).toHaveLength(2_000);
    expect(LONG_CATEGORY).not.toMatch(/\s/);
    expect(LONG_VALUE).not.toMatch(/\s/);
  });

  it('fits every view in the viewport and gives the full value on hover', async () => {
    const catEnd = LONG_CATEGORY.slice(-10);
    const valueEnd = LONG_VALUE.slice(-10);
    const { page, errors, external } = await openPage(browser, inject('baseUrl'));
    await page.getByLabel('Choose CSV files').setInputFiles([SIGNUPS, POSTS]);
    await page.getByRole('button', { name: 'Load 2 files' }).click();
    await page.waitForFunction(() => /[?&]fp=v1-/.test(location.search), null, T);
    await showView(page, 'Data', false);
    await expectFits(page, 'the Data tab');

    // Waves: broken down by the column with the long value, wave 1 attributed.
    await showView(page, 'Waves');
    await control(page, 'Break down signups by').selectOption('campaign');
    await page.getByTestId('waves-table').locator('tbody tr').first().click();
    const attribution = page.getByTestId('attribution-table');
    await attribution.waitFor(T);
    await settle(page);
    await expectFits(page, 'Waves, broken down and attributed');
    await expectCutWithTitle(showing(attribution, valueEnd), LONG_VALUE, 400);
    const legend = page.locator('.recharts-legend-item-text').filter({ hasText: /…$/ }).first();
    expect((await legend.textContent())?.length).toBeLessThanOrEqual(48);
    await expectCutWithTitle(legend.locator('[title]'), LONG_VALUE, 400);
    // The breakdown chart's tooltip names the value by its start and stays narrow.
    const breakdown = page.getByRole('figure', { name: /^Signups by campaign/ });
    const tooltip = await hoverUntil(
      page,
      breakdown,
      breakdown.locator('.breakdown-tooltip'),
      'Campaign',
    );
    expect((await tooltip.boundingBox())!.width).toBeLessThanOrEqual(400);
    await expectFits(page, 'the breakdown tooltip');
    await expectExportNamesByStart(page, 'Signups by campaign', LONG_VALUE);

    // The filter picker lists the value cut, with the full value on hover; choosing it (too
    // long for a link) is refused with a notice, never an error.
    const bar = page.getByRole('group', { name: 'Filters' });
    await bar.getByLabel('Add a filter').selectOption('signups.campaign');
    const values = bar.getByRole('list', { name: /^Values of campaign/ });
    await values.waitFor(T);
    await expectFits(page, 'the filter picker');
    await expectCutWithTitle(showing(values, valueEnd, '.cell-text'), LONG_VALUE, 400);
    await showing(values, valueEnd, 'label').getByRole('checkbox').click();
    await expect
      .poll(() => page.locator('.notice').filter({ hasText: 'Not applied' }).count())
      .toBe(1);
    expect(new URL(page.url()).searchParams.getAll('f')).toEqual([]);
    await expectFits(page, 'the notice');
    await screenshot(page, 'long-text-waves');

    // Content mix: legend, category picker, top movers, the chart tooltip and its export.
    await showView(page, 'Content mix');
    await expectFits(page, 'Content mix');
    await expectCutWithTitle(showing(page.locator('.mix-legend'), catEnd), LONG_CATEGORY, 420);
    await expectCutWithTitle(showing(page.getByTestId('movers-table'), catEnd), LONG_CATEGORY, 400);
    await page.locator('.category-picker-details > summary').click();
    await expectFits(page, 'the category picker');
    await expectCutWithTitle(
      showing(page.locator('.category-picker-list'), catEnd, '.category-picker-name'),
      LONG_CATEGORY,
      420,
    );
    const newcomers = page.getByRole('figure', { name: /^Category shares of posts by newcomers/ });
    const mixTip = await hoverUntil(page, newcomers, page.locator('.mix-tooltip'), 'Longcategory');
    expect((await mixTip.boundingBox())!.width).toBeLessThanOrEqual(300);
    await expectFits(page, 'the mix tooltip');
    await expectExportNamesByStart(page, 'Category shares, newcomers', LONG_CATEGORY);
    await screenshot(page, 'long-text-mix');

    // Retention: curves by the column with the long value (legend and table).
    await showView(page, 'Retention');
    await page.getByRole('combobox', { name: /^Curves by/ }).selectOption('campaign');
    await idle(page);
    const curves = page.locator('table.ret-curves');
    await showing(curves, valueEnd).waitFor(T);
    await expectFits(page, 'Retention by campaign');
    await expectCutWithTitle(showing(curves, valueEnd), LONG_VALUE, 400);
    await expectCutWithTitle(
      page
        .locator('.recharts-legend-item-text [title]')
        .filter({ hasText: /^Campaign/ })
        .first(),
      LONG_VALUE,
      400,
    );
    await expectExportNamesByStart(page, 'Retention by week since signup', LONG_VALUE);
    await screenshot(page, 'long-text-retention');

    // The ingest report and its file list stay in the viewport too.
    await showView(page, 'Data');
    await expectFits(page, 'the Data tab after the views');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });
});
