/**
 * Issue 12 point 7: a table's CSV says what the screen says: the same headers (a unit the
 * screen's text carries is named in the header), numbering (#1, #2), units and rounding.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { launch, openPage } from './browser.ts';
import { T, bodyRows, control, idle, loadSample, showView } from './helpers.ts';
import { readSafeCsv } from '../../src/share/csv-export.ts';

/** The table's CSV download, parsed. */
async function csvOf(page: Page, testId: string): Promise<string[][]> {
  const table = page.getByTestId(testId);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    table.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  return readSafeCsv(readFileSync((await download.path()) as string, 'utf8'));
}

/** A screen cell as a CSV holds it: no thousands separators, % ×, pp or a + sign. */
const plain = (text: string) =>
  text
    .replace(/(\d),(?=\d{3})/g, '$1')
    .replace(/^[+×]/, '')
    .replace(/( pp|%)$/, '');

async function expectSame(page: Page, testId: string) {
  const screen = await bodyRows(page, testId);
  const [header, ...rows] = await csvOf(page, testId);
  const heads = await page.getByTestId(testId).locator('thead th').allTextContents();
  expect(header?.length).toBe(heads.length);
  for (const [i, h] of heads.entries()) {
    const shown = h.replace(/[▲▼]/g, '').trim();
    // Same words; a cell shown with % says (%) in its CSV header.
    expect([shown, `${shown} (%)`], testId).toContain(header?.[i]);
  }
  expect(rows.length, testId).toBe(screen.length);
  // Numbers compare as numbers ("71.0" on screen is 71 in the file), the rest as text.
  const same = (c: string) => (c !== '' && Number.isFinite(Number(c)) ? String(Number(c)) : c);
  expect(
    rows.map((r) => r.map(same)),
    testId,
  ).toEqual(screen.map((r) => r.map((c) => same(c === '—' ? '' : plain(c)))));
}

describe('exports match the screen', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = (await openPage(browser, inject('baseUrl'))).page;
    await loadSample(page);
  });
  afterAll(async () => browser?.close());

  it('waves and the wave attribution: numbering, percentages and rounding as shown', async () => {
    await showView(page, 'Waves');
    await expectSame(page, 'waves-table');
    await control(page, 'Break down signups by').selectOption('country');
    await page.getByTestId('waves-table').locator('tbody tr').first().click();
    await page.getByTestId('attribution-table').waitFor(T);
    await idle(page);
    await expectSame(page, 'attribution-table');
  });

  it('tooltips read "name: value" with separators', async () => {
    await showView(page, 'Waves');
    const plot = page
      .locator('figure[aria-label^="Signups over time"] [data-export="main"] .recharts-surface')
      .first();
    const box = await plot.boundingBox();
    if (!box) throw new Error('no Waves chart');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const items = page.locator('.chart-tooltip .recharts-tooltip-item');
    await items.first().waitFor(T);
    const texts = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toMatch(/^(cumulative )?signups: \d{1,3}(,\d{3})*$/);
  });

  it('top movers: shares and changes as shown', async () => {
    await showView(page, 'Content mix');
    await expectSame(page, 'movers-table');
  });

  it('retention curves: rates in percent, as the curve table shows them', async () => {
    await showView(page, 'Retention');
    const table = page.locator('table.ret-curves');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      table.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const [header, ...rows] = readSafeCsv(readFileSync((await download.path()) as string, 'utf8'));
    expect(header).toContain('Retention (%)');
    const col = (header ?? []).indexOf('Retention (%)');
    // The table's week-1 retention of each group is the CSV's period-1 value.
    const shown = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          (tr.querySelector('th, td')?.textContent ?? '').trim(),
          /([\d.]+)%/.exec(
            tr.querySelectorAll('td')[tr.querySelectorAll('td').length - 1]?.textContent ?? '',
          )?.[1] ?? '',
        ]),
      );
    expect(shown.length).toBeGreaterThan(1);
    for (const [group, rate] of shown) {
      const row = rows.find((r) => r[0] === group && r[1] === '1');
      expect(row?.[col], group).toBe(String(Number(rate)));
    }
  });
});
